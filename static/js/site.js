// Forms marked data-autosubmit send themselves when a choice is picked with a pointer
// or touch. A choice made from the keyboard (arrow keys step through the options)
// waits for the form's own submit button, so moving through a list never reloads
// the page under the user. Without JavaScript the buttons do the same job.
const KEYBOARD_WINDOW_MS = 1000;
let lastKeyAt = -Infinity;

document.addEventListener(
  "keydown",
  () => {
    lastKeyAt = performance.now();
  },
  true,
);

for (const form of document.querySelectorAll("form[data-autosubmit]")) {
  form.addEventListener("change", (event) => {
    const field = event.target;
    const isChoice =
      field instanceof HTMLSelectElement ||
      (field instanceof HTMLInputElement && field.type === "radio");
    if (!isChoice || performance.now() - lastKeyAt < KEYBOARD_WINDOW_MS) {
      return;
    }
    form.requestSubmit();
  });
}
