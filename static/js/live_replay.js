// The replay's jump links: "#t=<seconds>" in the address (a shared link, or a link
// of the pinned-products list) moves the recording to that moment.
const video = document.getElementById("show-video");
if (video && video.dataset.status === "ended" && video.getAttribute("src")) {
  start(video);
}

function secondsIn(hash) {
  const match = /^#t=(\d+(?:\.\d+)?)$/.exec(hash);
  return match ? Number(match[1]) : null;
}

function start(video) {
  function seek(seconds) {
    if (seconds === null) {
      return;
    }
    const go = () => {
      video.currentTime = seconds;
      video.play().catch(() => {});
    };
    if (video.readyState >= HTMLMediaElement.HAVE_METADATA) {
      go();
    } else {
      video.addEventListener("loadedmetadata", go, { once: true });
    }
  }

  for (const link of document.querySelectorAll("a[data-seek]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      window.history.replaceState(null, "", link.getAttribute("href"));
      seek(Number(link.dataset.seek));
      video.focus();
    });
  }
  window.addEventListener("hashchange", () => seek(secondsIn(window.location.hash)));
  seek(secondsIn(window.location.hash));
}
