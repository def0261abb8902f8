// The comment list, shared by the viewer page and the studio. Comment text is always
// inserted with textContent: whatever a viewer types is shown as text, never markup.
const MAX_COMMENTS = 200;

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
    for (const comment of comments) {
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
    for (const event of events) {
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

export function texts(root) {
  const holder = root.querySelector("[data-text-connected]");
  return holder ? holder.dataset : {};
}

export function wireCommentForm(form, send, textsByName) {
  if (!form) {
    return null;
  }
  const input = form.querySelector("input[name=text]");
  const status = form.querySelector("[data-comment-status]");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || text.length > 300) {
      input.focus();
      return;
    }
    if (send({ type: "comment", text })) {
      input.value = "";
      status.textContent = "";
    } else {
      status.textContent = textsByName.textReconnecting || "";
    }
  });
  return {
    sent() {
      status.textContent = textsByName.textSent || "";
    },
    error(message) {
      status.textContent = message;
    },
  };
}

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
