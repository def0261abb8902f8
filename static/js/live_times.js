// Start times arrive as UTC in <time datetime="…" data-local-time>, with the market's
// local time as the server's fallback text. Here they are rewritten in the viewer's
// own time zone and the page's language.
export function localizeTimes(root = document) {
  const language = document.documentElement.lang || undefined;
  let format;
  try {
    format = new Intl.DateTimeFormat(language, {
      dateStyle: "full",
      timeStyle: "short",
    });
  } catch {
    return;
  }
  for (const element of root.querySelectorAll("time[data-local-time]")) {
    const moment = new Date(element.getAttribute("datetime"));
    if (Number.isNaN(moment.getTime())) {
      continue;
    }
    element.title = element.textContent.trim();
    element.textContent = format.format(moment);
  }
}

localizeTimes();
