// Flash deals and add-to-cart on a show's pages.
//
// The buy box (#live-offer) is rendered by the server; this module keeps it current
// and counts down a running deal. Every countdown runs on the server's clock: the
// box and the socket's "deal" events carry the server's time, and the page keeps
// the offset between that and its own clock, so every viewer sees the same seconds
// whatever their device's clock says. On the viewer page the add-to-cart form posts
// with fetch and updates the header's cart count; without scripts it posts as a
// plain form and the shopper lands on the cart page.
const TICK_MS = 250;
const SPREAD_MS = 800; // thousands of viewers get an event at once: spread requests

let offsetMs = 0; // server clock minus this clock

function syncClock(serverIso) {
  const server = Date.parse(serverIso || "");
  if (!Number.isNaN(server)) {
    offsetMs = server - Date.now();
  }
}

function serverNow() {
  return Date.now() + offsetMs;
}

function remainingText(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  if (hours) {
    return `${hours}:${String(minutes).padStart(2, "0")}:${seconds}`;
  }
  return `${minutes}:${seconds}`;
}

function spread() {
  return new Promise((resolve) =>
    window.setTimeout(resolve, Math.random() * SPREAD_MS),
  );
}

// Counts down the deal of the box currently on the page; `onEnd` runs once at zero.
class Countdown {
  constructor(onEnd) {
    this.onEnd = onEnd;
    this.timer = null;
    this.box = null;
  }

  watch(box) {
    this.stop();
    this.box = box;
    const endsAt = Date.parse((box && box.dataset.dealEndsAt) || "");
    if (!box || Number.isNaN(endsAt)) {
      return;
    }
    syncClock(box.dataset.serverNow);
    this.endsAt = endsAt;
    this.render();
    this.timer = window.setInterval(() => this.render(), TICK_MS);
  }

  render() {
    const left = this.endsAt - serverNow();
    for (const time of this.box.querySelectorAll("[data-countdown]")) {
      const text = remainingText(left);
      if (time.textContent !== text) {
        time.textContent = text;
      }
    }
    if (left <= 0) {
      this.stop();
      const label = this.box.querySelector("[data-countdown-label]");
      if (label) {
        label.textContent = this.box.dataset.textEnded || "";
      }
      for (const time of this.box.querySelectorAll("[data-countdown]")) {
        time.hidden = true;
      }
      this.onEnd();
    }
  }

  stop() {
    if (this.timer !== null) {
      window.clearInterval(this.timer);
      this.timer = null;
    }
  }
}

// The header's cart link reads "Cart (3 items)"; the count part is rebuilt here.
function showCartCount(count, countText) {
  const link = document.querySelector("a.cart-link");
  if (!link) {
    return;
  }
  let holder = link.querySelector(".cart-link__count");
  if (!count) {
    if (holder) {
      holder.remove();
    }
    return;
  }
  if (!holder) {
    holder = document.createElement("span");
    holder.className = "cart-link__count";
    link.append(" ", holder);
  }
  const hidden = document.createElement("span");
  hidden.className = "visually-hidden";
  hidden.textContent = ` ${countText}`;
  holder.replaceChildren(`(${count}`, hidden, ")");
}

function showVariant(box, option) {
  const price = box.querySelector("[data-offer-price]");
  const regular = box.querySelector("[data-offer-regular]");
  const prior = box.querySelector("[data-offer-prior]");
  if (price) {
    price.textContent = option.dataset.price || "";
  }
  if (regular) {
    regular.textContent = option.dataset.regular || "";
  }
  const was = box.querySelector("[data-offer-was]");
  if (was) {
    was.hidden = !option.dataset.regular;
  }
  if (prior) {
    const amount = option.dataset.prior || "";
    prior.textContent = amount
      ? (box.dataset.textPrior || "").replace("%(amount)s", amount)
      : "";
    prior.hidden = !amount;
  }
}

async function addToCart(form, box) {
  const status = form.querySelector("[data-offer-status]");
  const button = form.querySelector("button[type=submit]");
  const token = form.querySelector("input[name=csrfmiddlewaretoken]");
  button.disabled = true;
  status.textContent = "";
  status.classList.remove("live-offer__status--error");
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        "X-CSRFToken": token ? token.value : "",
      },
    });
    const data = await response.json();
    if (response.ok && data.ok) {
      status.textContent = [data.message, ...(data.notices || [])].join(" ");
      showCartCount(data.count, data.count_text);
    } else {
      status.textContent = (data.errors || []).join(" ");
      status.classList.add("live-offer__status--error");
    }
  } catch {
    status.textContent = box.dataset.textFailed || "";
    status.classList.add("live-offer__status--error");
  } finally {
    button.disabled = false;
  }
}

function startViewer(page, holder) {
  let loading = null;
  const countdown = new Countdown(() => {
    // The deal is over on the server too: fetch the regular prices.
    spread().then(() => refresh());
  });

  const currentBox = () => holder.querySelector("[data-offer]");

  async function refresh() {
    if (loading) {
      return loading;
    }
    loading = (async () => {
      try {
        const response = await fetch(holder.dataset.offerUrl, {
          credentials: "same-origin",
          headers: { Accept: "text/html" },
        });
        if (!response.ok) {
          return;
        }
        const html = await response.text();
        const fragment = new DOMParser().parseFromString(html, "text/html");
        const focused = holder.contains(document.activeElement);
        holder.replaceChildren(...fragment.body.childNodes);
        countdown.watch(currentBox());
        if (focused) {
          const first = holder.querySelector(
            "select, input:not([type=hidden]), button",
          );
          if (first) {
            first.focus();
          }
        }
      } catch {
        // The next pin, deal or sync event tries again.
      } finally {
        loading = null;
      }
    })();
    return loading;
  }

  holder.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-add-to-cart]");
    if (!form) {
      return;
    }
    event.preventDefault();
    addToCart(form, currentBox());
  });

  holder.addEventListener("change", (event) => {
    const select = event.target.closest("select[data-variant-select]");
    if (select && select.selectedOptions[0]) {
      showVariant(currentBox(), select.selectedOptions[0]);
    }
  });

  page.addEventListener("live:frame", async (event) => {
    const frame = event.detail || {};
    let changed = false;
    if (frame.type === "sync") {
      changed = true; // reconnected: a deal may have started or ended meanwhile
    } else if (frame.type === "tick") {
      for (const item of frame.events || []) {
        if (item.kind === "deal") {
          syncClock(item.server_now);
          changed = true;
        } else if (
          item.kind === "product_pinned" ||
          item.kind === "product_unpinned"
        ) {
          changed = true;
        }
      }
    }
    if (changed) {
      await spread();
      refresh();
    }
  });

  countdown.watch(currentBox());
}

function startStudio(holder) {
  // The host's page shows the deal's forms as the server rendered them: when the
  // deal runs out, load the page again so the start form comes back.
  const countdown = new Countdown(() =>
    window.setTimeout(() => window.location.reload(), 1000),
  );
  countdown.watch(holder.querySelector("[data-offer]"));
}

const viewerPage = document.getElementById("live-show");
const studioPage = document.getElementById("live-studio");
const offerHolder = document.getElementById("live-offer");
if (offerHolder && viewerPage) {
  startViewer(viewerPage, offerHolder);
} else if (offerHolder && studioPage) {
  startStudio(offerHolder);
}
