// The viewer page's player: the live show's video from the server over WebRTC.
//
// A receive-only offer (video and audio) goes over ws/live/<id>/watch/; the answer
// starts the stream in <video id="show-video">, muted so that it may play on its
// own, with an unmute button beside it. A lost socket or connection offers again
// (with growing delays); the server starts a new viewer at a keyframe, so the
// picture is back within about a second.
import { Signaling, iceGathered, iceServersOf, signalingUrl } from "./live_rtc.js";

const video = document.getElementById("show-video");
if (video && video.dataset.status === "live") {
  start(video);
}

function start(video) {
  const state = document.querySelector("[data-video-state]");
  const unmute = document.querySelector("[data-unmute]");
  const saver = document.querySelector("[data-data-saver]");
  const texts = unmute ? unmute.dataset : {};
  const iceServers = iceServersOf(video);
  let pc = null;
  let stalled = null;
  let signaling = null;

  function say(text) {
    if (state) {
      state.textContent = text || "";
    }
  }

  function closePeer() {
    window.clearTimeout(stalled);
    if (pc) {
      pc.close();
      pc = null;
    }
  }

  async function offer() {
    closePeer();
    const connection = new RTCPeerConnection({ iceServers });
    pc = connection;
    connection.addTransceiver("video", { direction: "recvonly" });
    connection.addTransceiver("audio", { direction: "recvonly" });
    const stream = new MediaStream();
    connection.addEventListener("track", (event) => {
      stream.addTrack(event.track);
      if (video.srcObject !== stream) {
        video.srcObject = stream;
      }
      video.play().catch(() => {});
    });
    connection.addEventListener("connectionstatechange", () => {
      if (pc !== connection) {
        return;
      }
      window.clearTimeout(stalled);
      const now = connection.connectionState;
      if (now === "connected") {
        say("");
      } else if (now === "failed") {
        signaling.restart();
      } else if (now === "disconnected") {
        // Often a short network blip; start over if it lasts.
        stalled = window.setTimeout(() => signaling.restart(), 4000);
      }
    });
    await connection.setLocalDescription(await connection.createOffer());
    await iceGathered(connection);
    if (pc === connection) {
      signaling.send({ type: "offer", sdp: connection.localDescription.sdp });
    }
  }

  function stop(text) {
    if (signaling) {
      signaling.close();
    }
    closePeer();
    say(text);
  }

  // The page's "show has ended" notice says it once, whichever socket (this one or
  // the chat's) hears of the end first; the player's own line stays empty.
  function ended() {
    const notice = document.querySelector("[data-ended-notice]");
    stop(notice ? "" : texts.textEnded);
    if (notice) {
      notice.hidden = false;
    }
    if (unmute) {
      unmute.hidden = true;
    }
  }

  // Data saver: the base layer only (a few frames a second), remembered here.
  function sendQuality() {
    if (saver && signaling) {
      signaling.send({ type: "quality", data_saver: saver.checked });
    }
  }

  if (saver) {
    saver.checked = window.localStorage.getItem("tradewind-data-saver") === "1";
    saver.addEventListener("change", () => {
      window.localStorage.setItem("tradewind-data-saver", saver.checked ? "1" : "0");
      sendQuality();
    });
  }

  signaling = new Signaling(signalingUrl(video.dataset.showId, "watch"), {
    onOpen() {
      sendQuality();
      offer();
    },
    onFrame(frame) {
      if (frame.type === "answer" && pc) {
        pc.setRemoteDescription({ type: "answer", sdp: frame.sdp }).catch(() =>
          signaling.restart(),
        );
      } else if (frame.type === "closed") {
        window.setTimeout(() => offer(), 300);
      } else if (frame.type === "ended") {
        ended();
      } else if (frame.type === "error") {
        say(frame.message);
      }
    },
    onStop(code) {
      if (code === 4410) {
        ended();
      } else {
        closePeer();
      }
    },
  });

  if (unmute) {
    unmute.hidden = false;
    unmute.addEventListener("click", () => {
      video.muted = !video.muted;
      if (!video.muted) {
        video.play().catch(() => {});
      }
      unmute.textContent = video.muted ? texts.textUnmute : texts.textMute;
    });
  }

  window.addEventListener("pagehide", () => stop(""));

  // Read-only playback figures, for checking that the picture is moving.
  window.tradewindLive = Object.freeze({
    async framesDecoded() {
      if (!pc) {
        return 0;
      }
      let frames = 0;
      (await pc.getStats()).forEach((report) => {
        if (report.type === "inbound-rtp" && report.kind === "video") {
          frames = report.framesDecoded || 0;
        }
      });
      return frames;
    },
  });
}
