// What the studio's publisher and the viewer's player share: the signaling socket
// (one offer, one answer; reconnects with backoff), the ICE servers named by the
// page, and waiting for ICE gathering, since the server takes no trickled candidates.

// Close codes after which trying again cannot help (see live/streaming/signaling.py).
const FINAL = new Set([4400, 4403, 4404, 4409, 4410, 4413, 4415]);
const GATHER_TIMEOUT_MS = 2500;

export function signalingUrl(showId, kind) {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const lang = document.documentElement.lang || "";
  const query = lang ? `?lang=${encodeURIComponent(lang)}` : "";
  return `${scheme}://${window.location.host}/ws/live/${showId}/${kind}/${query}`;
}

export function iceServersOf(element) {
  try {
    const urls = JSON.parse(element.dataset.iceServers || "[]");
    return urls.map((url) => ({ urls: url }));
  } catch {
    return [];
  }
}

// Resolves once the connection has gathered its candidates (or after a timeout:
// what has been gathered by then is sent).
export function iceGathered(pc) {
  if (pc.iceGatheringState === "complete") {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = window.setTimeout(done, GATHER_TIMEOUT_MS);
    function done() {
      window.clearTimeout(timer);
      pc.removeEventListener("icegatheringstatechange", check);
      resolve();
    }
    function check() {
      if (pc.iceGatheringState === "complete") {
        done();
      }
    }
    pc.addEventListener("icegatheringstatechange", check);
  });
}

// A signaling socket that opens again after a loss, with growing delays. onOpen runs
// on every (re)connection: that is where the caller sends a fresh offer.
export class Signaling {
  constructor(url, { onOpen, onFrame, onStop }) {
    this.url = url;
    this.onOpen = onOpen;
    this.onFrame = onFrame;
    this.onStop = onStop;
    this.delay = 500;
    this.stopped = false;
    this.timer = null;
    this.socket = null;
    this.open();
  }

  open() {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.delay = 500;
      this.onOpen();
    });
    socket.addEventListener("message", (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      this.onFrame(frame);
    });
    socket.addEventListener("close", (event) => {
      if (this.socket !== socket || this.stopped) {
        return;
      }
      if (FINAL.has(event.code)) {
        this.stopped = true;
        this.onStop(event.code);
        return;
      }
      this.retry();
    });
  }

  retry() {
    if (this.stopped || this.timer !== null) {
      return;
    }
    const wait = this.delay + Math.random() * this.delay;
    this.delay = Math.min(this.delay * 2, 15000);
    this.timer = window.setTimeout(() => {
      this.timer = null;
      this.open();
    }, wait);
  }

  // Drop the current socket and connect again (the peer connection failed).
  restart() {
    if (this.stopped) {
      return;
    }
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.close();
    }
    this.retry();
  }

  send(payload) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(payload));
      return true;
    }
    return false;
  }

  close() {
    this.stopped = true;
    window.clearTimeout(this.timer);
    this.timer = null;
    if (this.socket) {
      this.send({ type: "stop" });
      this.socket.close();
      this.socket = null;
    }
  }
}
