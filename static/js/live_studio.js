// The host's studio: the chat with pin, delete and ban buttons, report notices and
// the viewer count, over the host-only socket. The <video id="studio-preview">
// element is where the camera preview and publishing attach.
import {
  CommentList,
  REACTION_EMOJI,
  setText,
  ReactionTotals,
  texts,
  wireCommentForm,
} from "./live_chat.js";
import { ShowSocket } from "./live_socket.js";

const root = document.getElementById("live-studio");
if (root) {
  start(root);
}

function start(root) {
  const t = texts(root);
  const connection = root.querySelector("[data-connection]");
  const viewerCount = root.querySelector("[data-viewer-count]");
  const reactionTotals = new ReactionTotals(
    root.querySelector("[data-reaction-totals]"),
    REACTION_EMOJI,
  );
  const reports = document.getElementById("reports");
  const pinnedComment = document.getElementById("pinned-comment");
  let socket = null;
  let lastSeq = null;
  const send = (payload) => (socket ? socket.send(payload) : false);

  const comments = new CommentList({
    list: document.getElementById("comments"),
    template: document.getElementById("comment-template"),
    pinned: pinnedComment,
    onAction(action, id) {
      if (action === "ban" && !window.confirm(t.textConfirmBan || "")) {
        return;
      }
      if (["pin", "delete", "ban"].includes(action)) {
        send({ type: action, comment_id: id });
      }
    },
  });

  if (pinnedComment) {
    pinnedComment
      .querySelector("button[data-action=unpin]")
      .addEventListener("click", () => send({ type: "unpin" }));
  }

  const form = wireCommentForm(document.getElementById("comment-form"), send, t);

  function reasonLabel(reason) {
    const label = root.querySelector(`[data-reason="${CSS.escape(reason)}"]`);
    return label ? label.textContent : reason;
  }

  function addReport(frame) {
    const item = document.createElement("li");
    const comment = comments.list.querySelector(
      `[data-comment-id="${Number(frame.comment_id)}"] .comment__text`,
    );
    item.textContent = (t.textReport || "")
      .replace("%(id)s", String(frame.comment_id))
      .replace("%(reason)s", reasonLabel(frame.reason));
    if (comment) {
      const quote = document.createElement("q");
      quote.textContent = comment.textContent;
      item.append(" ", quote);
    }
    reports.prepend(item);
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
    switch (frame.type) {
      case "sync":
        lastSeq = null;
        comments.reset(frame.comments);
        comments.pin(frame.pinned_comment);
        setText(viewerCount, String(frame.viewers));
        break;
      case "tick":
        noticeGap(frame.seq);
        comments.add(frame.comments);
        // Going live, ending and pinning products happen through this page's own
        // forms, which reload it; only the chat's events matter here.
        comments.apply(frame.events);
        if (frame.viewers !== null && frame.viewers !== undefined) {
          setText(viewerCount, String(frame.viewers));
        }
        reactionTotals.add(frame.reactions);
        break;
      case "report":
        addReport(frame);
        break;
      case "ack":
        if (form) {
          form.sent();
        }
        break;
      case "error":
        setText(connection, frame.message);
        break;
      default:
        break;
    }
  }

  socket = new ShowSocket(root.dataset.wsUrl, {
    onFrame,
    onState(state) {
      setText(connection, state === "closed" ? t.textReconnecting || "" : "");
    },
  });
}
