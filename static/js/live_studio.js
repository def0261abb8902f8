// The host's studio: the chat with pin, delete and ban buttons, report notices and
// the viewer count, over the host-only socket (see live_socket.js for what the viewer
// page shares). The <video id="studio-preview"> element is where the camera preview
// and publishing attach (live_publish.js).
import { connectShow } from "./live_socket.js";

const root = document.getElementById("live-studio");
if (root) {
  start(root);
}

function start(root) {
  const reports = document.getElementById("reports");
  const pinnedComment = document.getElementById("pinned-comment");

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
      }
    },
  });

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
