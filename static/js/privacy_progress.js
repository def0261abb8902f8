// Polls a data-subject request's status while its export is being built and
// shows the progress and, once ready, the download link.
const section = document.querySelector("[data-privacy-export]");

function show(state) {
  const bar = section.querySelector("[data-privacy-progress]");
  const text = section.querySelector("[data-privacy-progress-text]");
  const download = section.querySelector("[data-privacy-download]");
  const link = section.querySelector("[data-privacy-download-link]");
  const status = document.querySelector("[data-privacy-status]");
  bar.value = state.percent;
  bar.textContent = `${state.percent}%`;
  text.textContent = text.textContent.replace(/\d+\s*%/, `${state.percent}%`);
  if (status) status.textContent = state.status_label;
  if (state.download_url) {
    link.href = state.download_url;
    download.hidden = false;
  }
}

async function poll(delay) {
  try {
    const response = await fetch(section.dataset.statusUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.ok) {
      const state = await response.json();
      show(state);
      if (state.status === "completed" || state.status === "rejected") return;
    }
  } catch {
    // A failed poll is retried below.
  }
  window.setTimeout(() => poll(Math.min(delay * 1.5, 5000)), delay);
}

if (section) poll(500);
