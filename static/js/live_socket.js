// A show's WebSocket that reconnects with backoff. Each (re)connection starts with a
// "sync" frame from the server, so nothing is lost while the socket was down.
const NO_RETRY = new Set([4403, 4404]);

export class ShowSocket {
  constructor(url, { onFrame, onState }) {
    this.url = url;
    this.onFrame = onFrame;
    this.onState = onState;
    this.delay = 500;
    this.socket = null;
    this.open();
  }

  open() {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.delay = 500;
      this.onState("open");
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
      if (NO_RETRY.has(event.code)) {
        this.onState("refused");
        return;
      }
      this.onState("closed");
      const wait = this.delay + Math.random() * this.delay;
      this.delay = Math.min(this.delay * 2, 15000);
      window.setTimeout(() => this.open(), wait);
    });
  }

  send(payload) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(payload));
      return true;
    }
    return false;
  }
}
