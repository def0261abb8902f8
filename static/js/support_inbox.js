// The agents' inbox, live: the queue arrives whenever it changes (ordered by the
// server, least time left first) and the time left counts down here between them.
import { ShowSocket } from "./live_socket.js";

const root = document.querySelector("[data-support-inbox]");
if (root) {
  const t = root.dataset;
  const body = root.querySelector("[data-inbox-rows]");
  const alertBox = root.querySelector("[data-inbox-alert]");
  const status = root.querySelector("[data-inbox-status]");
  let received = performance.now();
  let rows = [];

  function left(seconds) {
    if (seconds === null) {
      return t.textAnswered;
    }
    const now = Math.round(seconds - (performance.now() - received) / 1000);
    const minutes = Math.floor(Math.abs(now) / 60);
    const rest = String(Math.abs(now) % 60).padStart(2, "0");
    return now < 0
      ? `${t.textOverdue} ${minutes}:${rest}`
      : `${minutes}:${rest} ${t.textLeft}`;
  }

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text;
    row.append(td);
    return td;
  }

  function render() {
    body.replaceChildren();
    for (const item of rows) {
      const tr = document.createElement("tr");
      tr.dataset.conversation = String(item.id);
      if (item.alert) {
        tr.className = "support-queue__row--alert";
      }
      const link = document.createElement("a");
      link.href = t.conversationUrl.replace("/0/", `/${item.id}/`);
      link.textContent = `#${item.id}`;
      cell(tr, "").append(link);
      cell(tr, item.market);
      cell(tr, item.language);
      cell(tr, item.reason_label);
      cell(tr, left(item.seconds_left)).dataset.timeLeft = "";
      cell(tr, item.assigned_to);
      cell(tr, item.last_text);
      body.append(tr);
    }
  }

  function tick() {
    const cells = body.querySelectorAll("[data-time-left]");
    rows.forEach((item, index) => {
      if (cells[index]) {
        cells[index].textContent = left(item.seconds_left);
      }
    });
  }

  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const query = t.lang ? `?lang=${encodeURIComponent(t.lang)}` : "";
  new ShowSocket(`${scheme}://${window.location.host}/ws/support/inbox/${query}`, {
    onFrame(frame) {
      if (frame.type !== "queue") {
        return;
      }
      rows = frame.rows || [];
      received = performance.now();
      render();
      if (frame.alert) {
        alertBox.hidden = false;
        alertBox.textContent = `${t.textAlert} #${frame.alert.conversation}`;
      }
    },
    onState(state) {
      status.textContent = state === "closed" ? t.textReconnecting : "";
    },
  });
  window.setInterval(tick, 1000);
}
