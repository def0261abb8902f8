// Times arrive as UTC in <time datetime="…" data-local-time>, with the market's local
// time as the server's fallback text. Here they are rewritten in the viewer's own
// time zone, in the page's language as written in the market's country (en-GB, not
// en-US, for a British shopper), with the zone named so no one has to guess.
const OPTIONS = {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
  timeZoneName: "short",
};

export function localizeTimes(root = document) {
  let format;
  try {
    const meta = document.querySelector('meta[name="format-locale"]');
    const locale = meta?.content || document.documentElement.lang || undefined;
    format = new Intl.DateTimeFormat(locale, OPTIONS);
  } catch {
    return; // an old browser keeps the server's text
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
