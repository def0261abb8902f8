// What the shopper's chat widget and the agent's conversation page share: the
// conversation's socket (live_socket.js's reconnecting socket) and the message log.
// Message text is always inserted with textContent: never markup.
import { ShowSocket } from "./live_socket.js";

export function socketUrl(conversationId, lang) {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const query = lang ? `?lang=${encodeURIComponent(lang)}` : "";
  return `${scheme}://${window.location.host}/ws/support/${conversationId}/${query}`;
}

export function clientId() {
  if (window.crypto && window.crypto.randomUUID) {
    return window.crypto.randomUUID();
  }
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

// Only the shop's own paths become links; anything else stays text.
function safePath(link) {
  return typeof link === "string" && link.startsWith("/") && !link.startsWith("//");
}

export class MessageLog {
  constructor(list, labels) {
    this.list = list;
    this.labels = labels;
    this.seen = new Set();
    for (const item of list.querySelectorAll("[data-message-id]")) {
      this.seen.add(Number(item.dataset.messageId));
    }
  }

  reset(messages) {
    this.list.replaceChildren();
    this.seen.clear();
    for (const message of messages || []) {
      this.add(message);
    }
  }

  // Returns true when the message is new to this log.
  add(message) {
    if (!message || this.seen.has(message.id)) {
      return false;
    }
    this.seen.add(message.id);
    const item = document.createElement("li");
    item.className = `support-log__item support-log__item--${message.author}`;
    item.dataset.messageId = String(message.id);
    if (message.language) {
      item.lang = message.language;
    }
    const author = document.createElement("span");
    author.className = "support-log__author";
    author.textContent = this.labels[message.author] || message.author;
    const text = document.createElement("span");
    text.className = "support-log__text";
    text.textContent = message.text;
    item.append(author, text);
    const links = (message.links || []).filter(safePath);
    if (links.length) {
      const list = document.createElement("span");
      list.className = "support-log__links";
      for (const link of links) {
        const anchor = document.createElement("a");
        anchor.href = link;
        anchor.textContent = link;
        list.append(anchor, " ");
      }
      item.append(" ", list);
    }
    this.list.append(item);
    this.list.scrollTop = this.list.scrollHeight;
    return true;
  }
}

// The conversation's socket: frames go to onFrame; onState hears open/closed/refused.
export function conversationSocket(conversationId, lang, { onFrame, onState }) {
  return new ShowSocket(socketUrl(conversationId, lang), { onFrame, onState });
}
