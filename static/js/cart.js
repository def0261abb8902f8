// Cart, checkout and order pages.
//
// The order form sends itself once: a second click (or Enter) while the first
// request is on its way does nothing. The server would return the same order for a
// repeated request anyway (the form carries an idempotency key); this only spares
// the shopper a second round trip. Buttons marked data-print open the print dialog.
for (const form of document.querySelectorAll("form[data-place-order]")) {
  let sent = false;
  form.addEventListener("submit", (event) => {
    if (sent) {
      event.preventDefault();
      return;
    }
    sent = true;
    for (const button of form.querySelectorAll("button[type=submit]")) {
      button.setAttribute("aria-disabled", "true");
    }
  });
  // Coming back with the browser's back button shows the page from its cache.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      sent = false;
      for (const button of form.querySelectorAll("button[type=submit]")) {
        button.removeAttribute("aria-disabled");
      }
    }
  });
}

for (const button of document.querySelectorAll("button[data-print]")) {
  button.addEventListener("click", () => window.print());
}
