// The viewer page of a show: comments, reactions, viewer count and the pinned product,
// all over one WebSocket. The <video id="show-video"> element carries the show id and
// the socket URL for the player that attaches the stream.
import {
  CommentList,
  REACTION_EMOJI,
  setText,
  ReactionTotals,
  texts,
  wireCommentForm,
} from "./live_chat.js";
import { ShowSocket } from "./live_socket.js";

const root = document.getElementById("live-show");
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
  const pinnedBox = document.getElementById("pinned-product");
  const dialog = document.getElementById("report-dialog");
  let reportTarget = null;
  let socket = null;
  let lastSeq = null;
  const send = (payload) => (socket ? socket.send(payload) : false);

  const comments = new CommentList({
    list: document.getElementById("comments"),
    template: document.getElementById("comment-template"),
    pinned: document.getElementById("pinned-comment"),
    onAction(action, id) {
      if (action === "report" && dialog) {
        reportTarget = id;
        dialog.showModal();
      }
    },
  });

  if (dialog) {
    dialog.addEventListener("close", () => {
      if (dialog.returnValue === "report" && reportTarget) {
        const chosen = dialog.querySelector("input[name=reason]:checked");
        send({
          type: "report",
          comment_id: reportTarget,
          reason: chosen ? chosen.value : "other",
        });
      }
      reportTarget = null;
    });
  }

  const form = wireCommentForm(document.getElementById("comment-form"), send, t);

  for (const button of root.querySelectorAll("button[data-reaction]")) {
    button.addEventListener("click", () => {
      send({ type: "react", kind: button.dataset.reaction });
      button.classList.remove("reaction--tapped");
      void button.offsetWidth; // restart the animation
      button.classList.add("reaction--tapped");
    });
  }

  for (const link of root.querySelectorAll("a[data-seek]")) {
    link.addEventListener("click", (event) => {
      const video = document.getElementById("show-video");
      if (video && video.currentSrc) {
        event.preventDefault();
        video.currentTime = Number(link.dataset.seek);
        video.play().catch(() => {});
      }
    });
  }

  function setStatus(status) {
    const before = root.dataset.status;
    root.dataset.status = status;
    if (status === "live" && before === "scheduled") {
      // The waiting room becomes the live page; spread the reloads of a big audience.
      window.setTimeout(() => window.location.reload(), Math.random() * 3000);
    }
    if (status === "ended") {
      const notice = root.querySelector("[data-ended-notice]");
      if (notice) {
        notice.hidden = false;
      }
      for (const control of root.querySelectorAll(
        "button[data-reaction], #comment-form input, #comment-form button",
      )) {
        control.disabled = true;
      }
    }
  }

  function renderProduct(product) {
    pinnedBox.replaceChildren();
    pinnedBox.dataset.productId = product ? String(product.id) : "";
    if (!product) {
      const empty = document.createElement("p");
      empty.className = "live-empty";
      empty.textContent = t.textNothingPinned || "";
      pinnedBox.append(empty);
      return;
    }
    const card = document
      .getElementById("product-template")
      .content.firstElementChild.cloneNode(true);
    card.dataset.productId = String(product.id);
    card.querySelector(".card__link").href = product.url;
    card.querySelector(".card__title").textContent = product.name;
    const image = card.querySelector("img");
    if (product.image_url) {
      image.src = product.image_url;
      image.alt = product.image_alt;
      image.hidden = false;
    }
    card.querySelector(".price__amount").textContent = product.price;
    card.querySelector(".price__tax").textContent = product.tax_label;
    if (product.regular_price) {
      const regular = card.querySelector(".price__regular");
      regular.textContent = product.regular_price;
      regular.hidden = false;
    }
    if (product.prior_lowest_price && t.textPrior) {
      const prior = card.querySelector(".price__prior");
      prior.textContent = t.textPrior.replace("%(amount)s", product.prior_lowest_price);
      prior.hidden = false;
    }
    pinnedBox.append(card);
  }

  async function loadPinned(productId) {
    if (!pinnedBox) {
      return;
    }
    const shown = pinnedBox.dataset.productId || "";
    if (String(productId || "") === shown) {
      return;
    }
    if (!productId) {
      renderProduct(null);
      return;
    }
    // Thousands of viewers get the pin at once: spread their requests a little.
    await new Promise((resolve) => window.setTimeout(resolve, Math.random() * 800));
    try {
      const response = await fetch(root.dataset.pinnedUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.ok) {
        renderProduct((await response.json()).product);
      }
    } catch {
      // The next sync or pin event tries again.
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
    // Other modules of the page (flash deals) follow the same frames.
    root.dispatchEvent(new CustomEvent("live:frame", { detail: frame }));
    switch (frame.type) {
      case "sync":
        lastSeq = null;
        comments.reset(frame.comments);
        comments.pin(frame.pinned_comment);
        setText(viewerCount, String(frame.viewers));
        loadPinned(frame.pinned_product_id);
        setStatus(frame.status);
        break;
      case "tick": {
        noticeGap(frame.seq);
        comments.add(frame.comments);
        for (const event of comments.apply(frame.events)) {
          if (event.kind === "product_pinned") {
            loadPinned(event.product_id);
          } else if (event.kind === "product_unpinned") {
            loadPinned(null);
          } else if (event.kind === "status") {
            setStatus(event.status);
          }
        }
        if (frame.viewers !== null && frame.viewers !== undefined) {
          setText(viewerCount, String(frame.viewers));
        }
        reactionTotals.add(frame.reactions);
        break;
      }
      case "ack":
        if (form) {
          form.sent();
        }
        break;
      case "reported":
        setText(connection, t.textReported || "");
        break;
      case "error":
        if (form && frame.code !== "reaction") {
          form.error(frame.message);
        } else {
          setText(connection, frame.message);
        }
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
