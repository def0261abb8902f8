// A 1:1 video call of a conversation, browser to browser. Signaling travels over
// the conversation's socket: each side says "join" once its camera is on; the agent
// then offers, the shopper answers (one offer, one answer, ICE gathered first, as
// the live pages do: live_rtc.js). The time from joining to the first remote video
// frame is sent to the server, which keeps it with the call.
import { iceGathered, iceServersOf } from "./live_rtc.js";
import { conversationSocket } from "./support_chat.js";

const root = document.querySelector("[data-support-call]");
if (root) {
  const t = root.dataset;
  const role = t.role;
  const remote = root.querySelector("[data-remote-video]");
  const local = root.querySelector("[data-local-video]");
  const status = root.querySelector("[data-call-status]");
  const joinButton = root.querySelector("[data-call-join]");
  const hangup = root.querySelector("[data-call-hangup]");
  const share = root.querySelector("[data-call-share]");
  const consent = root.querySelector("[data-call-consent]");
  const iceServers = iceServersOf(root);
  let socket = null;
  let call = null;
  let stream = null;
  let pc = null;
  let joinedAt = 0;
  let peerSeen = false;
  let joined = false;
  let measured = false;
  let announced = false;
  const say = (text) => {
    status.textContent = text || "";
  };

  function signal(kind, extra = {}) {
    socket.send({ type: "signal", kind, call: call.id, ...extra });
  }

  function firstFrame() {
    if (measured) {
      return;
    }
    measured = true;
    const ms = Math.round(performance.now() - joinedAt);
    remote.dataset.firstFrameMs = String(ms);
    say(t.textConnected);
    socket.send({ type: "call_first_frame", call: call.id, ms });
  }

  function peerConnection() {
    if (pc) {
      pc.close();
    }
    pc = new RTCPeerConnection({ iceServers });
    for (const track of stream.getTracks()) {
      pc.addTrack(track, stream);
    }
    pc.addEventListener("track", (event) => {
      remote.srcObject = event.streams[0];
      if (remote.requestVideoFrameCallback) {
        remote.requestVideoFrameCallback(firstFrame);
      } else {
        remote.addEventListener("playing", firstFrame, { once: true });
      }
    });
    pc.addEventListener("connectionstatechange", () => {
      if (pc && pc.connectionState === "failed") {
        say(t.textFailed);
        if (role === "agent") {
          offer();
        }
      }
    });
    return pc;
  }

  async function offer() {
    const connection = peerConnection();
    await connection.setLocalDescription(await connection.createOffer());
    await iceGathered(connection);
    signal("offer", { sdp: connection.localDescription.sdp });
  }

  async function answer(sdp) {
    const connection = peerConnection();
    await connection.setRemoteDescription({ type: "offer", sdp });
    await connection.setLocalDescription(await connection.createAnswer());
    await iceGathered(connection);
    signal("answer", { sdp: connection.localDescription.sdp });
  }

  async function onSignal(frame) {
    if (!call || frame.call !== call.id || frame.from === role || !joined) {
      return;
    }
    if (frame.kind === "join") {
      if (!peerSeen) {
        peerSeen = true;
        signal("join");
      }
      say(t.textConnecting);
      if (role === "agent" && !pc) {
        await offer();
      }
    } else if (frame.kind === "offer" && role === "shopper") {
      await answer(frame.sdp);
    } else if (frame.kind === "answer" && role === "agent" && pc) {
      await pc.setRemoteDescription({ type: "answer", sdp: frame.sdp });
    } else if (frame.kind === "leave") {
      peerSeen = false;
      if (pc) {
        pc.close();
        pc = null;
      }
      say(t.textWaiting);
    }
  }

  function onCall(value) {
    call = value;
    if (call && call.status === "ended") {
      say(t.textEnded);
      end(false);
    }
    if (call && call.recording_consent && call.recording_consent.both) {
      say(t.textBothConsented);
    }
    if (call && joined && !announced) {
      announced = true;
      signal("join");
    }
  }

  function end(tell) {
    if (tell && call && socket) {
      signal("leave");
      socket.send({ type: "call_end", call: call.id });
    }
    if (pc) {
      pc.close();
      pc = null;
    }
    if (stream) {
      for (const track of stream.getTracks()) {
        track.stop();
      }
    }
    joined = false;
    announced = false;
    peerSeen = false;
    hangup.hidden = true;
    joinButton.hidden = false;
  }

  socket = conversationSocket(t.conversation, t.lang, {
    onFrame(frame) {
      if (frame.type === "sync") {
        call = frame.call;
      } else if (frame.type === "call") {
        onCall(frame.call);
      } else if (frame.type === "signal") {
        onSignal(frame);
      } else if (frame.type === "error") {
        say(frame.message);
      }
    },
    onState() {},
  });

  joinButton.addEventListener("click", async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    } catch {
      say(t.textDenied);
      return;
    }
    local.srcObject = stream;
    joined = true;
    joinedAt = performance.now();
    joinButton.hidden = true;
    hangup.hidden = false;
    if (share) {
      share.hidden = !navigator.mediaDevices.getDisplayMedia;
    }
    say(t.textWaiting);
    if (call && call.status !== "ended") {
      announced = true;
      signal("join");
    } else {
      socket.send({ type: "call_start" });
    }
  });

  hangup.addEventListener("click", () => end(true));

  consent.addEventListener("change", () => {
    if (consent.checked && call) {
      socket.send({ type: "call_consent", call: call.id });
      consent.disabled = true;
    } else {
      consent.checked = false;
    }
  });

  if (share) {
    share.addEventListener("click", async () => {
      if (!pc) {
        return;
      }
      const screen = await navigator.mediaDevices.getDisplayMedia({ video: true });
      const screenTrack = screen.getVideoTracks()[0];
      const sender = pc.getSenders().find((s) => s.track && s.track.kind === "video");
      const camera = sender.track;
      await sender.replaceTrack(screenTrack);
      local.srcObject = screen;
      screenTrack.addEventListener("ended", () => {
        sender.replaceTrack(camera);
        local.srcObject = stream;
      });
    });
  }
}
