// The studio's camera: a preview when the studio opens, then publishing to the
// server over WebRTC once the show is live.
//
// "Go live" sends its form in the background and then publishes: camera and
// microphone go out in an offer over ws/live/<id>/publish/. While publishing, the
// studio's other forms (pin, unpin) are sent in the background too and the parts of
// the page they change are swapped in, so a click never cuts the stream with a page
// load. "End the show" stops publishing and then sends its form as usual. A studio
// opened (or reloaded) while the show is live publishes again at once.
import { Signaling, iceGathered, iceServersOf, signalingUrl } from "./live_rtc.js";

const root = document.getElementById("live-studio");
const preview = document.getElementById("studio-preview");
if (root && preview && root.dataset.status !== "ended") {
  start(root, preview);
}

// The parts of the studio a background form can change. Scripts that keep state in
// them listen for "live:studio-updated" on the document.
const SWAPPED = [
  ".live-show__status",
  ".studio__controls",
  ".studio__products",
  "#live-offer",
];

function start(root, preview) {
  const state = root.querySelector("[data-publish-state]");
  const retry = root.querySelector("[data-camera-retry]");
  const texts = root.querySelector("[data-publish-texts]")?.dataset || {};
  const iceServers = iceServersOf(preview);
  let camera = null;
  let signaling = null;
  let pc = null;

  function say(text) {
    if (state) {
      state.textContent = text || "";
    }
  }

  async function cameraStart() {
    if (camera) {
      return camera;
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say(texts.textNoCamera);
      return null;
    }
    try {
      camera = await navigator.mediaDevices.getUserMedia({
        video: {
          width: { ideal: 1280 },
          height: { ideal: 720 },
          frameRate: { ideal: 30 },
        },
        audio: true,
      });
    } catch {
      say(texts.textCameraError);
      if (retry) {
        retry.hidden = false;
      }
      return null;
    }
    if (retry) {
      retry.hidden = true;
    }
    preview.srcObject = camera;
    preview.play().catch(() => {});
    say(root.dataset.status === "live" ? texts.textConnecting : texts.textPreview);
    return camera;
  }

  function closePeer() {
    if (pc) {
      pc.close();
      pc = null;
    }
  }

  // Video goes out in three temporal layers (L1T3: about 7.5, 15 and 30 fps), so
  // that the server can send a viewer on a weak network fewer frames without
  // decoding. A browser that cannot layer its video sends it as one layer.
  function addSender(connection, track) {
    const options = { direction: "sendonly", streams: [camera] };
    if (track.kind === "video") {
      try {
        connection.addTransceiver(track, {
          ...options,
          sendEncodings: [{ scalabilityMode: "L1T3" }],
        });
        return;
      } catch (error) {
        // Not supported here: fall through to a single layer.
      }
    }
    connection.addTransceiver(track, options);
  }

  async function offer() {
    closePeer();
    const connection = new RTCPeerConnection({ iceServers });
    pc = connection;
    for (const track of camera.getTracks()) {
      addSender(connection, track);
    }
    connection.addEventListener("connectionstatechange", () => {
      if (pc !== connection) {
        return;
      }
      if (connection.connectionState === "connected") {
        say(texts.textOnAir);
      } else if (connection.connectionState === "failed") {
        say(texts.textReconnecting);
        signaling.restart();
      }
    });
    await connection.setLocalDescription(await connection.createOffer());
    await iceGathered(connection);
    if (pc === connection) {
      signaling.send({ type: "offer", sdp: connection.localDescription.sdp });
      say(texts.textConnecting);
    }
  }

  function onFrame(frame) {
    if (frame.type === "answer" && pc) {
      pc.setRemoteDescription({ type: "answer", sdp: frame.sdp }).catch(() => {
        signaling.restart();
      });
    } else if (frame.type === "closed") {
      say(texts.textReconnecting);
      window.setTimeout(() => signaling && offer(), 300);
    } else if (frame.type === "ended") {
      publishStop();
      say(texts.textEnded);
    } else if (frame.type === "error") {
      say(frame.message);
    }
  }

  function publish() {
    if (signaling || !camera) {
      return;
    }
    say(texts.textConnecting);
    signaling = new Signaling(signalingUrl(root.dataset.showId, "publish"), {
      onOpen: () => offer(),
      onFrame,
      onStop() {
        closePeer();
        signaling = null;
      },
    });
  }

  function publishStop() {
    if (signaling) {
      signaling.close();
      signaling = null;
    }
    closePeer();
  }

  async function submitInBackground(form) {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
    });
    if (!response.ok) {
      return false;
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("live-studio");
    if (!fresh) {
      return false;
    }
    for (const selector of SWAPPED) {
      const current = root.querySelector(selector);
      const replacement = fresh.querySelector(selector);
      if (current && replacement) {
        current.replaceWith(document.importNode(replacement, true));
      }
    }
    root.dataset.status = fresh.dataset.status;
    const main = document.getElementById("main");
    const oldMessages = main && main.querySelector(":scope > ul.messages");
    const newMessages = page.querySelector("#main > ul.messages");
    if (oldMessages) {
      oldMessages.remove();
    }
    if (main && newMessages) {
      main.prepend(document.importNode(newMessages, true));
    }
    document.dispatchEvent(new CustomEvent("live:studio-updated"));
    return true;
  }

  root.addEventListener("submit", async (event) => {
    const form = event.target;
    if (
      event.defaultPrevented ||
      form.method.toLowerCase() !== "post" ||
      "plainSubmit" in form.dataset
    ) {
      return;
    }
    const action = new URL(form.action, window.location.href).pathname;
    if (action.endsWith("/studio/end/")) {
      publishStop();
      return; // sent as usual: the studio reloads as the replay's studio
    }
    const starting = action.endsWith("/studio/start/");
    // Without a camera the host may publish from an encoder (WHIP): plain submit.
    if (starting ? !camera : !signaling) {
      return;
    }
    event.preventDefault();
    for (const button of form.querySelectorAll("button")) {
      button.disabled = true;
    }
    let sent = false;
    try {
      sent = await submitInBackground(form);
    } catch {
      sent = false;
    }
    if (!sent) {
      form.submit();
      return;
    }
    if (starting && root.dataset.status === "live") {
      publish();
    }
  });

  if (retry) {
    retry.addEventListener("click", async () => {
      if ((await cameraStart()) && root.dataset.status === "live") {
        publish();
      }
    });
  }

  window.addEventListener("pagehide", publishStop);

  cameraStart().then((stream) => {
    if (stream && root.dataset.status === "live") {
      publish();
    }
  });
}
