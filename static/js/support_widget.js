// The chat widget on every storefront page (and the support page's own chat).
// History comes from the server (GET api/conversation), so it follows the shopper
// across pages and visits; the first message goes over HTTP (which starts the
// conversation and the session), later ones over the conversation's socket, with
// the HTTP interface as the fallback while the socket is down.
import { MessageLog, clientId, conversationSocket } from "./support_chat.js";

const OPEN_KEY = "tradewind.support.open";

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function setup(root) {
  const t = root.dataset;
  const pageMode = root.classList.contains("support-widget--page");
  const toggle = root.querySelector("[data-support-toggle]");
  const panel = root.querySelector(".support-panel");
  const form = root.querySelector("[data-support-form]");
  const input = form.querySelector("textarea");
  const status = root.querySelector("[data-support-status]");
  const rating = root.querySelector("[data-support-rating]");
  const callInvite = root.querySelector("[data-support-call-invite]");
  const callLink = root.querySelector("[data-support-call-link]");
  const startCall = root.querySelector("[data-support-start-call]");
  const resolved = root.querySelector("[data-support-resolved]");
  const humanButton = root.querySelector("[data-support-human]");
  const log = new MessageLog(root.querySelector("[data-support-log]"), {
    shopper: t.textYou,
    assistant: t.textAssistant,
    agent: t.textAgent,
    system: t.textSystem,
  });
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  let conversation = null;
  let socket = null;
  let loaded = false;
  let speakAnswers = false;

  const say = (text) => {
    status.textContent = text || "";
  };

  function showStatus(value) {
    root.dataset.status = value || "";
    if (value === "queued") {
      say(t.textQueued);
    } else if (value === "assigned") {
      say(t.textAssigned);
    } else if (value === "closed") {
      say(t.textClosed);
    }
    rating.hidden = value !== "closed";
    resolved.hidden = !conversation || value !== "assistant";
    startCall.hidden = !conversation || value === "closed";
  }

  function showCall(call) {
    callInvite.hidden = !call;
    if (call && conversation) {
      callLink.href = t.callUrl.replace("/0/", `/${conversation}/`);
    }
  }

  function speak(message) {
    if (!speakAnswers || !window.speechSynthesis || message.author === "shopper") {
      return;
    }
    const utterance = new SpeechSynthesisUtterance(message.text);
    utterance.lang = message.language || t.lang;
    window.speechSynthesis.speak(utterance);
  }

  function onFrame(frame) {
    switch (frame.type) {
      case "sync":
        log.reset(frame.messages);
        showStatus(frame.status);
        showCall(frame.call);
        break;
      case "message":
        if (log.add(frame.message)) {
          speak(frame.message);
        }
        break;
      case "status":
        showStatus(frame.status);
        break;
      case "call":
        showCall(frame.call && frame.call.status !== "ended" ? frame.call : null);
        if (frame.call && frame.call.status === "ringing" && callStarting) {
          callStarting = false;
          window.location.assign(callLink.href);
        }
        break;
      case "error":
        say(frame.message);
        break;
      default:
        break;
    }
  }
  let callStarting = false;

  function connect() {
    if (socket || !conversation) {
      return;
    }
    root.dataset.conversation = String(conversation);
    socket = conversationSocket(conversation, t.lang, {
      onFrame,
      onState(state) {
        if (state === "closed") {
          say(t.textReconnecting);
        } else if (state === "open") {
          say("");
        }
      },
    });
  }

  async function load() {
    if (loaded) {
      return;
    }
    loaded = true;
    try {
      const response = await fetch(t.apiConversation, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const state = await response.json();
      if (state.conversation) {
        conversation = state.conversation;
        log.reset(state.messages);
        showStatus(state.status);
        showCall(state.call);
        connect();
      }
    } catch {
      loaded = false;
    }
  }

  async function postMessage(text) {
    const response = await fetch(t.apiMessages, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify({
        text,
        conversation,
        timezone: zone,
        client_id: clientId(),
      }),
    });
    const answer = await response.json();
    if (!response.ok) {
      say(answer.message || t.textOffline);
      return false;
    }
    conversation = answer.conversation;
    for (const message of answer.messages) {
      if (log.add(message)) {
        speak(message);
      }
    }
    showStatus(answer.handoff ? "queued" : "assistant");
    connect();
    return true;
  }

  async function send(text) {
    const frame = { type: "message", text, client_id: clientId() };
    if (socket && socket.send(frame)) {
      return true;
    }
    try {
      return await postMessage(text);
    } catch {
      say(t.textOffline);
      return false;
    }
  }

  function open(focus) {
    panel.hidden = false;
    if (toggle) {
      // Only the floating panel stays open from page to page.
      toggle.setAttribute("aria-expanded", "true");
      window.sessionStorage.setItem(OPEN_KEY, "1");
    }
    load();
    if (focus) {
      input.focus();
    }
  }

  function close() {
    panel.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    window.sessionStorage.removeItem(OPEN_KEY);
    toggle.focus();
  }

  if (toggle) {
    toggle.addEventListener("click", () => (panel.hidden ? open(true) : close()));
    root.querySelector("[data-support-close]").addEventListener("click", close);
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        close();
      }
    });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) {
      input.focus();
      return;
    }
    input.value = "";
    if (!(await send(text))) {
      input.value = text;
    }
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  humanButton.addEventListener("click", () => {
    if (!(socket && socket.send({ type: "human" }))) {
      send(t.textHuman);
    }
  });
  resolved.addEventListener("click", () => {
    if (socket) {
      socket.send({ type: "resolved" });
    }
  });
  startCall.addEventListener("click", () => {
    if (socket && socket.send({ type: "call_start" })) {
      callStarting = true;
    }
  });
  for (const button of rating.querySelectorAll("[data-support-csat]")) {
    button.addEventListener("click", () => {
      if (socket && socket.send({ type: "csat", value: button.dataset.supportCsat })) {
        rating.hidden = true;
        say(t.textThanks);
      }
    });
  }

  // Talking instead of typing, where the browser offers speech recognition (the
  // support page only: other pages are refused the microphone).
  const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  const mic = root.querySelector("[data-support-mic]");
  if (t.speech && Recognition) {
    mic.hidden = false;
    mic.addEventListener("click", () => {
      const recognition = new Recognition();
      recognition.lang = t.lang;
      recognition.interimResults = false;
      mic.setAttribute("aria-pressed", "true");
      say(t.textListening);
      recognition.addEventListener("result", (event) => {
        input.value = event.results[0][0].transcript;
        form.requestSubmit();
      });
      recognition.addEventListener("end", () => {
        mic.setAttribute("aria-pressed", "false");
        say("");
      });
      recognition.start();
    });
  }
  const speakLabel = root.querySelector("[data-support-speak-label]");
  if (window.speechSynthesis) {
    speakLabel.hidden = false;
    speakLabel.querySelector("input").addEventListener("change", (event) => {
      speakAnswers = event.target.checked;
    });
  }

  if (pageMode || window.sessionStorage.getItem(OPEN_KEY)) {
    open(false);
  }
}

for (const root of document.querySelectorAll("[data-support-widget]")) {
  setup(root);
}
