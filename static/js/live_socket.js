// What the viewer page (live_show.js) and the studio (live_studio.js) share: the show's
// socket and everything both do with its frames. The socket reconnects with backoff and
// each (re)connection starts with a "sync" frame from the server, so nothing is lost
// while it was down. The comment list, reaction totals, viewer count and status badge
// are kept here; each page adds what only it does through the hooks of connectShow.
//
// Comment text is always inserted with textContent: whatever a viewer types is shown as
// text, never markup.
const NO_RETRY = new Set([4403, 4404]);
const MAX_COMMENTS = 200;

export const REACTION_EMOJI = {
  heart: "❤️",
  fire: "🔥",
  clap: "👏",
  wow: "😮",
  laugh: "😂",
};

export function setText(element, text) {
  if (element) {
    element.textContent = text;
  }
}

export function texts(root) {
  const holder = root.querySelector("[data-text-connected]");
  return holder ? holder.dataset : {};
}

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

export class CommentList {
  constructor({ list, template, pinned, onAction }) {
    this.list = list;
    this.template = template;
    this.pinned = pinned;
    this.onAction = onAction;
    this.seen = new Set();
    list.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      const item = button && button.closest("[data-comment-id]");
      if (item) {
        this.onAction(button.dataset.action, Number(item.dataset.commentId), item);
      }
    });
  }

  reset(comments) {
    this.list.replaceChildren();
    this.seen.clear();
    this.add(comments);
  }

  add(comments) {
    const stick =
      this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
    for (const comment of comments || []) {
      if (this.seen.has(comment.id)) {
        continue;
      }
      this.seen.add(comment.id);
      this.list.append(this.render(comment));
    }
    while (this.list.children.length > MAX_COMMENTS) {
      this.list.firstElementChild.remove();
    }
    if (stick) {
      this.list.scrollTop = this.list.scrollHeight;
    }
  }

  render(comment) {
    const item = this.template.content.firstElementChild.cloneNode(true);
    item.dataset.commentId = String(comment.id);
    item.querySelector(".comment__author").textContent = comment.author;
    item.querySelector(".comment__text").textContent = comment.text;
    if (comment.host) {
      item.classList.add("comment--host");
      item.querySelector(".comment__badge").hidden = false;
    }
    return item;
  }

  remove(id) {
    const item = this.list.querySelector(`[data-comment-id="${Number(id)}"]`);
    if (item) {
      item.remove();
    }
    if (this.pinned && this.pinned.dataset.commentId === String(id)) {
      this.pin(null);
    }
  }

  pin(comment) {
    if (!this.pinned) {
      return;
    }
    this.pinned.hidden = !comment;
    this.pinned.dataset.commentId = comment ? String(comment.id) : "";
    this.pinned.querySelector(".pinned-comment__author").textContent = comment
      ? comment.author
      : "";
    this.pinned.querySelector(".pinned-comment__text").textContent = comment
      ? comment.text
      : "";
  }

  // Apply the events of a tick in order; returns the ones this list does not handle.
  apply(events) {
    const rest = [];
    for (const event of events || []) {
      if (event.kind === "comment_deleted") {
        this.remove(event.id);
      } else if (event.kind === "comment_pinned") {
        this.pin(event.comment);
      } else if (event.kind === "comment_unpinned") {
        this.pin(null);
      } else {
        rest.push(event);
      }
    }
    return rest;
  }
}

// Reaction counts arrive per tick; the page shows the running totals since it opened.
export class ReactionTotals {
  constructor(element, emoji) {
    this.element = element;
    this.emoji = emoji;
    this.totals = {};
  }

  add(reactions) {
    if (!this.element) {
      return;
    }
    let changed = false;
    for (const [kind, count] of Object.entries(reactions || {})) {
      if (this.emoji[kind] && Number.isInteger(count)) {
        this.totals[kind] = (this.totals[kind] || 0) + count;
        changed = true;
      }
    }
    if (changed) {
      this.element.textContent = Object.entries(this.totals)
        .map(([kind, count]) => `${this.emoji[kind]} ${count}`)
        .join("   ");
    }
  }
}

// The studio swaps parts of itself in after a background form ("Go live", pins), and
// the fresh copies show the count the server rendered. So the counter is looked up at
// every update, never kept, and the last known count is written again after a swap.
export class ViewerCount {
  constructor(root) {
    this.root = root;
    this.count = null;
    document.addEventListener("live:studio-updated", () => this.render());
  }

  set(count) {
    if (Number.isInteger(count)) {
      this.count = count;
      this.render();
    }
  }

  render() {
    if (this.count === null) {
      return;
    }
    for (const element of this.root.querySelectorAll("[data-viewer-count]")) {
      element.textContent = String(this.count);
    }
  }
}

// The badge carries its labels, translated by the server, as data-text-<status>.
export function statusBadgeShow(root, status) {
  const key = `text${status.charAt(0).toUpperCase()}${status.slice(1)}`;
  for (const badge of root.querySelectorAll(".show-status")) {
    if (badge.dataset[key]) {
      badge.className = `show-status show-status--${status}`;
      badge.textContent = badge.dataset[key];
    }
  }
}

// Each comment carries a client_id. Until its ack arrives it stays pending and is
// sent again, with the same client_id, when the socket reconnects: the server stores
// it once and acks the same comment however often it arrives.
function messageId() {
  if (window.crypto && window.crypto.randomUUID) {
    return window.crypto.randomUUID();
  }
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export function wireCommentForm(form, send, textsByName) {
  if (!form) {
    return null;
  }
  const input = form.querySelector("input[name=text]");
  const status = form.querySelector("[data-comment-status]");
  let pending = null;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || text.length > 300) {
      input.focus();
      return;
    }
    const message = { type: "comment", text, client_id: messageId() };
    if (send(message)) {
      pending = message;
      input.value = "";
      status.textContent = "";
    } else {
      status.textContent = textsByName.textReconnecting || "";
    }
  });
  return {
    sent(clientId) {
      if (pending && pending.client_id === clientId) {
        pending = null;
      }
      status.textContent = textsByName.textSent || "";
    },
    error(message) {
      pending = null;
      status.textContent = message;
    },
    resend() {
      if (pending) {
        send(pending);
      }
    },
  };
}

// Opens the show's socket (root's data-ws-url) and keeps the page's shared parts in
// step with it. Hooks, all optional:
//   onAction(action, commentId)  a comment's button was pressed
//   onSync(frame)                after a sync frame has been applied
//   onStatus(status, before)     the show's status, on every sync and status event
//   onEvent(event)               each tick event that is not a comment's or a status
//   onError(frame)               return true when the page has shown the error
//   onFrame(frame)               any other frame (report notices and the like)
// Every frame is also dispatched as "live:frame" on root for the page's other modules.
export function connectShow(root, hooks = {}) {
  const t = texts(root);
  const connection = root.querySelector("[data-connection]");
  const reactionTotals = new ReactionTotals(
    root.querySelector("[data-reaction-totals]"),
    REACTION_EMOJI,
  );
  const viewers = new ViewerCount(root);
  let socket = null;
  let lastSeq = null;
  const send = (payload) => (socket ? socket.send(payload) : false);
  const say = (text) => setText(connection, text || "");

  const comments = new CommentList({
    list: document.getElementById("comments"),
    template: document.getElementById("comment-template"),
    pinned: document.getElementById("pinned-comment"),
    onAction(action, id) {
      if (hooks.onAction) {
        hooks.onAction(action, id);
      }
    },
  });
  const form = wireCommentForm(document.getElementById("comment-form"), send, t);

  function setStatus(status) {
    if (!status) {
      return;
    }
    const before = root.dataset.status;
    root.dataset.status = status;
    statusBadgeShow(root, status);
    if (hooks.onStatus) {
      hooks.onStatus(status, before);
    }
  }

  // Ticks are numbered per show; a skipped number means a lost batch: ask the
  // server for a fresh sync from the database.
  function noticeGap(seq) {
    if (typeof seq !== "number") {
      return;
    }
    if (lastSeq !== null && seq > lastSeq + 1) {
      send({ type: "sync" });
    }
    lastSeq = seq;
  }

  function onFrame(frame) {
    root.dispatchEvent(new CustomEvent("live:frame", { detail: frame }));
    switch (frame.type) {
      case "sync":
        lastSeq = null;
        comments.reset(frame.comments);
        comments.pin(frame.pinned_comment);
        viewers.set(frame.viewers);
        setStatus(frame.status);
        if (hooks.onSync) {
          hooks.onSync(frame);
        }
        break;
      case "tick":
        noticeGap(frame.seq);
        comments.add(frame.comments);
        for (const event of comments.apply(frame.events)) {
          if (event.kind === "status") {
            setStatus(event.status);
          } else if (hooks.onEvent) {
            hooks.onEvent(event);
          }
        }
        viewers.set(frame.viewers);
        reactionTotals.add(frame.reactions);
        break;
      case "ack":
        if (form) {
          form.sent(frame.client_id);
        }
        break;
      case "error":
        if (!(hooks.onError && hooks.onError(frame))) {
          say(frame.message);
        }
        break;
      default:
        if (hooks.onFrame) {
          hooks.onFrame(frame);
        }
        break;
    }
  }

  socket = new ShowSocket(root.dataset.wsUrl, {
    onFrame,
    onState(state) {
      say(state === "closed" ? t.textReconnecting : "");
      if (state === "open" && form) {
        form.resend();
      }
    },
  });
  return { texts: t, send, say, comments, form };
}
