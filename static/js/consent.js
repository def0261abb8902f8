// The consent banner without a page reload: the form posts as it would without
// JavaScript, and the banner goes once the choice is stored. Scripts of granted
// categories load on the next page, rendered by the server, never from here.
const banner = document.querySelector("[data-consent-banner]");
const form = banner?.querySelector("[data-consent-form]");

if (form) {
  form.addEventListener("submit", async (event) => {
    const submitter = event.submitter;
    if (!submitter) {
      return;
    }
    event.preventDefault();
    const data = new FormData(form, submitter);
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: data,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      const { granted } = await response.json();
      banner.remove();
      document.getElementById("main")?.focus();
      if (granted.length > 0) {
        // Granted categories' scripts are rendered by the server on reload.
        window.location.reload();
      }
    } catch {
      form.submit();
    }
  });
}
