// The host's studio: the chat with pin, delete and ban buttons, report notices and
// the viewer count, over the host-only socket (see live_socket.js for what the viewer
// page shares). The <video id="studio-preview"> element is where the camera preview
// and publishing attach (live_publish.js).
//
// A viewer's product question may come with a suggested answer (a "suggestion"
// frame, sent to this socket only): it is shown under that comment with "Post
// answer", which asks the server to post the answer it keeps for that comment, and
// "Edit", which puts the text into the host's comment box.
import { connectShow } from "./live_socket.js";

const MAX_SUGGESTIONS = 200;

const root = document.getElementById("live-studio");
if (root) {
  start(root);
}

function start(root) {
  const reports = document.getElementById("reports");
  const pinnedComment = document.getElementById("pinned-comment");
  let suggestions = null;

  const show = connectShow(root, {
    onAction(action, id) {
      if (action === "ban" && !window.confirm(show.texts.textConfirmBan || "")) {
        return;
      }
      if (["pin", "delete", "ban"].includes(action)) {
        show.send({ type: action, comment_id: id });
      }
    },
    // Going live, ending and pinning products happen through this page's own forms,
    // which swap in the parts they change or reload the page.
    onFrame(frame) {
      if (frame.type === "report") {
        addReport(frame);
      } else if (frame.type === "suggestion") {
        suggestions.add(frame);
      } else if (frame.type === "answered") {
        suggestions.posted(frame.comment_id);
      }
    },
    onError() {
      suggestions.retry();
      return false;
    },
  });
  suggestions = suggestionsShow(show);

  if (pinnedComment) {
    pinnedComment
      .querySelector("button[data-action=unpin]")
      .addEventListener("click", () => show.send({ type: "unpin" }));
  }

  function reasonLabel(reason) {
    const label = root.querySelector(`[data-reason="${CSS.escape(reason)}"]`);
    return label ? label.textContent : reason;
  }

  function addReport(frame) {
    const item = document.createElement("li");
    const comment = show.comments.list.querySelector(
      `[data-comment-id="${Number(frame.comment_id)}"] .comment__text`,
    );
    item.textContent = (show.texts.textReport || "")
      .replace("%(id)s", String(frame.comment_id))
      .replace("%(reason)s", reasonLabel(frame.reason));
    if (comment) {
      const quote = document.createElement("q");
      quote.textContent = comment.textContent;
      item.append(" ", quote);
    }
    reports.prepend(item);
  }
}

function suggestionsShow(show) {
  const template = document.getElementById("suggestion-template");
  const list = show.comments.list;
  const input = document.getElementById("comment-text");
  const status = document.querySelector("[data-comment-status]");
  const byComment = new Map();

  // Comments are re-rendered on every sync, so a suggestion is kept here and put
  // back under its comment whenever that comment is (re)added to the list.
  function attach(id) {
    const suggestion = byComment.get(id);
    const item = list.querySelector(`[data-comment-id="${id}"]`);
    if (!suggestion || !item || item.querySelector(".comment-suggestion")) {
      return;
    }
    const box = template.content.firstElementChild.cloneNode(true);
    box.dataset.commentId = String(id);
    const text = box.querySelector(".comment-suggestion__text");
    text.textContent = suggestion.text;
    text.lang = suggestion.language;
    if (suggestion.product) {
      box.querySelector(".comment-suggestion__product").textContent = (
        show.texts.textAbout || ""
      ).replace("%(product)s", suggestion.product);
    }
    box.querySelector("[data-suggestion=edit]").hidden = !input;
    box.classList.toggle("comment-suggestion--posted", suggestion.posted);
    item.append(box);
  }

  new MutationObserver(() => {
    for (const id of byComment.keys()) {
      attach(id);
    }
  }).observe(list, { childList: true });

  list.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-suggestion]");
    const box = button && button.closest(".comment-suggestion");
    if (!box) {
      return;
    }
    const id = Number(box.dataset.commentId);
    const suggestion = byComment.get(id);
    if (!suggestion) {
      return;
    }
    if (button.dataset.suggestion === "post") {
      if (show.send({ type: "answer", comment_id: id })) {
        button.disabled = true;
      }
    } else if (input) {
      input.value = suggestion.text;
      input.focus();
      input.setSelectionRange(input.value.length, input.value.length);
    }
  });

  return {
    add(frame) {
      if (!Number.isInteger(frame.comment_id) || typeof frame.text !== "string") {
        return;
      }
      byComment.set(frame.comment_id, {
        text: frame.text,
        language: typeof frame.language === "string" ? frame.language : "",
        product: frame.product ? String(frame.product.name) : "",
        posted: false,
      });
      while (byComment.size > MAX_SUGGESTIONS) {
        byComment.delete(byComment.keys().next().value);
      }
      attach(frame.comment_id);
    },
    posted(id) {
      const suggestion = byComment.get(id);
      if (suggestion) {
        suggestion.posted = true;
      }
      const box = list.querySelector(
        `.comment-suggestion[data-comment-id="${Number(id)}"]`,
      );
      if (box) {
        box.classList.add("comment-suggestion--posted");
      }
      if (status) {
        status.textContent = show.texts.textAnswered || "";
      }
    },
    // A refused answer (a rule of the chat, a lost connection) may be tried again.
    retry() {
      for (const button of list.querySelectorAll("[data-suggestion=post]:disabled")) {
        button.disabled = false;
      }
    },
  };
}
