// An agent's view of one conversation: the live log, replies, canned and
// suggested replies, closing, and the call invitation.
import { MessageLog, clientId, conversationSocket } from "./support_chat.js";

const root = document.querySelector("[data-support-agent]");
if (root) {
  const t = root.dataset;
  const log = new MessageLog(root.querySelector("[data-support-log]"), {
    shopper: t.textShopper,
    assistant: t.textAssistant,
    agent: t.textAgent,
    system: t.textSystem,
  });
  const status = root.querySelector("[data-support-status]");
  const form = root.querySelector("[data-agent-form]");
  const input = form.querySelector("textarea");
  const invite = root.querySelector("[data-support-call-invite]");
  const say = (text) => {
    status.textContent = text || "";
  };

  const socket = conversationSocket(t.conversation, t.lang, {
    onFrame(frame) {
      if (frame.type === "sync") {
        log.reset(frame.messages);
        invite.hidden = !frame.call;
      } else if (frame.type === "message") {
        log.add(frame.message);
      } else if (frame.type === "status") {
        root.querySelector("[data-conversation-status]").textContent = frame.status;
      } else if (frame.type === "call") {
        invite.hidden = !frame.call || frame.call.status === "ended";
      } else if (frame.type === "error") {
        say(frame.message);
      }
    },
    onState(state) {
      say(state === "closed" ? t.textReconnecting : "");
      // Replies travel over the socket only: the button waits for it.
      form.querySelector("[data-agent-send]").disabled = state !== "open";
    },
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text && socket.send({ type: "message", text, client_id: clientId() })) {
      input.value = "";
    }
  });
  root.querySelector("[data-agent-close]").addEventListener("click", () => {
    socket.send({ type: "close" });
  });
  for (const button of root.querySelectorAll("[data-use-text]")) {
    button.addEventListener("click", () => {
      input.value = button.dataset.useText;
      input.focus();
    });
  }
}
