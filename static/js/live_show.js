// The viewer page of a show: comments, reactions, viewer count and the pinned product,
// all over one WebSocket (see live_socket.js for what the studio shares). The
// <video id="show-video"> element carries the show id and the socket URL for the
// player that attaches the stream.
import { connectShow } from "./live_socket.js";

const root = document.getElementById("live-show");
if (root) {
  start(root);
}

function start(root) {
  const pinnedBox = document.getElementById("pinned-product");
  const dialog = document.getElementById("report-dialog");
  let reportTarget = null;

  const show = connectShow(root, {
    onAction(action, id) {
      if (action === "report" && dialog) {
        reportTarget = id;
        dialog.showModal();
      }
    },
    onSync(frame) {
      loadPinned(frame.pinned_product_id);
    },
    onStatus(status, before) {
      if (status === "live" && before === "scheduled") {
        // The waiting room becomes the live page; spread the reloads of a big audience.
        window.setTimeout(() => window.location.reload(), Math.random() * 3000);
      }
      if (status === "ended") {
        showEnded();
      }
    },
    onEvent(event) {
      if (event.kind === "product_pinned") {
        loadPinned(event.product_id);
      } else if (event.kind === "product_unpinned") {
        loadPinned(null);
      }
    },
    onError(frame) {
      if (show.form && frame.code !== "reaction") {
        show.form.error(frame.message);
        return true;
      }
      return false;
    },
    onFrame(frame) {
      if (frame.type === "reported") {
        show.say(show.texts.textReported);
      }
    },
  });
  const t = show.texts;

  if (dialog) {
    dialog.addEventListener("close", () => {
      if (dialog.returnValue === "report" && reportTarget) {
        const chosen = dialog.querySelector("input[name=reason]:checked");
        show.send({
          type: "report",
          comment_id: reportTarget,
          reason: chosen ? chosen.value : "other",
        });
      }
      reportTarget = null;
    });
  }

  for (const button of root.querySelectorAll("button[data-reaction]")) {
    button.addEventListener("click", () => {
      show.send({ type: "react", kind: button.dataset.reaction });
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

  function showEnded() {
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
    const safety = card.querySelector(".live-product__safety");
    safety.href = product.safety_url;
    safety.textContent = t.textSafety || "";
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
}
