// The live page: the browser's camera (or a local video file) streamed through the service's
// Live API (the gateway's /api/live, live_api.ts) and shown magnified beside the input frame it
// came from, with each frame's latency (the browser's round trip, the service's and the engine's)
// in words and on a chart, and the frames per second. Errors of the form, the camera or opening
// the session are shown at the form; errors while streaming, at the frames.
import { ApiError } from "../api";
import { h, showError } from "../dom";
import { flagHelp } from "../help";
import { latencyChart } from "../latency_chart";
import { LiveReady, liveApi } from "../live_api";
import { LiveStream } from "../live_stream";
import { LiveChoice, LiveForm, liveForm } from "./live_form";

const describe = (e: unknown) => (e instanceof ApiError ? `${e.message} (${e.code})` : String(e));

// The source's frames: the camera's stream or the file, playing in `video`. Throws a message a
// person can act on.
async function openSource(choice: LiveChoice, video: HTMLVideoElement): Promise<() => void> {
  if (choice.source === "file") {
    const url = URL.createObjectURL(choice.file!);
    video.srcObject = null;
    video.src = url;
    video.loop = true;
    try {
      await video.play();
    } catch (e) {
      URL.revokeObjectURL(url);
      throw new Error(`The file cannot be played here: ${String(e)}`);
    }
    return () => {
      video.pause();
      video.removeAttribute("src");
      video.load();
      URL.revokeObjectURL(url);
    };
  }
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new Error("The camera needs a secure page: open the console on localhost or over HTTPS (vmm-server --tls-cert).");
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { width: { ideal: choice.config.width }, height: { ideal: choice.config.height } },
    });
  } catch (e) {
    const name = e instanceof DOMException ? e.name : "";
    throw new Error(name === "NotAllowedError" ? "The camera was not allowed: allow it for this page and start again."
      : name === "NotFoundError" ? "No camera was found: choose a video file instead." : `The camera cannot be used: ${String(e)}`);
  }
  video.src = "";
  video.srcObject = stream;
  await video.play().catch(() => {});
  return () => {
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
}

export function livePage(page: HTMLElement): () => void {
  const source = h("video", { id: "live-source", muted: true, playsinline: true, class: "visually-hidden", "aria-hidden": "true" });
  source.muted = true;
  const inputCanvas = h("canvas", { id: "live-input", class: "live-frame", width: "320", height: "240",
    role: "img", "aria-label": "Input frame" });
  const outputCanvas = h("canvas", { id: "live-output", class: "live-frame", width: "320", height: "240",
    role: "img", "aria-label": "Magnified frame" });
  const outputCaption = h("figcaption", { id: "live-output-caption" }, "Magnified");
  const status = h("p", { id: "live-status", class: "status", role: "status" }, "Not streaming.");
  const latency = h("output", { id: "live-latency" }, "Latency: —");
  const rate = h("output", { id: "live-fps" }, "— frames/s");
  const counts = h("output", { id: "live-counts" }, "");
  const streamError = h("p", { id: "live-stream-error", class: "error", role: "alert", hidden: true });
  const chart = latencyChart("live-latency-chart");
  const display = h("section", { class: "card", id: "live-display", "aria-labelledby": "live-display-title" },
    h("h2", { id: "live-display-title" }, "Input and magnified"), status, streamError,
    h("div", { class: "side-by-side" },
      h("figure", {}, inputCanvas, h("figcaption", {}, "Input (the frame sent)")),
      h("figure", {}, outputCanvas, outputCaption)),
    h("div", { class: "live-stats" }, latency, rate, counts), chart.element, source);
  const layout = h("div", { class: "live-layout" }, display);
  page.replaceChildren(h("h1", {}, "Live"),
    h("p", {}, "Frames from your camera or a video file go through the service as they are taken and come back magnified."),
    layout);

  let form: LiveForm | null = null;
  let stream: LiveStream | null = null;
  let session: { id: string; ready: LiveReady } | null = null;
  let release: (() => void) | null = null;
  let alive = true;
  let attempt = 0;  // a Stop while starting abandons that start

  const releaseSource = () => {
    release?.();
    release = null;
  };

  const start = async (choice: LiveChoice) => {
    if (!form) return;
    const mine = ++attempt;
    const abandoned = () => mine !== attempt || !alive;
    form.running(true);
    showError(streamError, "");
    chart.clear();
    status.textContent = "Opening the source…";
    try {
      release = await openSource(choice, source);
    } catch (e) {
      form.running(false);
      status.textContent = "Not streaming.";
      return showError(form.error, e instanceof Error ? e.message : String(e));
    }
    if (abandoned()) return releaseSource();
    status.textContent = "Opening a live session…";
    try {
      session = await liveApi.open(choice.config);
    } catch (e) {
      releaseSource();
      form.running(false);
      status.textContent = "Not streaming.";
      return showError(form.error, `Live session refused: ${describe(e)}`);
    }
    if (abandoned()) {
      liveApi.endWhileLeaving(session.id);
      session = null;
      return releaseSource();
    }
    const { width, height } = choice.config;
    for (const canvas of [inputCanvas, outputCanvas]) {
      canvas.width = width;
      canvas.height = height;
    }
    const method = (choice.config.params.method ?? "").replace("METHOD_", "").toLowerCase();
    const mode = (choice.config.params.mode ?? "").replace("MODE_", "").toLowerCase();
    outputCaption.textContent = `Magnified (${method}, ${mode}, alpha ${choice.config.params.alpha ?? "default"})`;
    status.textContent = `Streaming ${width}x${height} at ${choice.rateHz} frames/s to ${session.ready.workerName} ` +
      `(${session.ready.device}), at most ${session.ready.maxFramesInFlight} in flight.`;
    const inputContext = inputCanvas.getContext("2d")!;
    const outputContext = outputCanvas.getContext("2d")!;
    stream = new LiveStream(source, {
      id: session.id,
      width,
      height,
      maxInFlight: Math.min(choice.config.maxFramesInFlight ?? 2, session.ready.maxFramesInFlight || 1),
      rateHz: choice.rateHz,
      shown: (frame, c) => {
        inputContext.putImageData(frame.input, 0, 0);
        outputContext.putImageData(frame.output, 0, 0);
        latency.textContent = `Latency of frame ${frame.sequence}: ${frame.roundTripMs.toFixed(0)} ms round trip ` +
          `(service ${frame.serviceMs.toFixed(0)} ms, engine ${frame.engineMs.toFixed(0)} ms)`;
        rate.textContent = `${c.framesPerSecond} frames/s`;
        counts.textContent = `${c.sent} sent, ${c.received} magnified, ${c.skipped} skipped`;
        chart.add(frame.sequence, frame.roundTripMs, frame.serviceMs, frame.engineMs);
      },
      failed: (e) => {
        showError(streamError, `The stream stopped: ${describe(e)}`);
        void finish(false);
      },
    });
    stream.start();
  };

  // Stops taking frames, lets those in flight come back, ends the session. `ended`: the user
  // stopped it (the service's final word is shown); otherwise it failed and is only cleaned up.
  const finish = async (ended: boolean) => {
    attempt += 1;
    const current = stream, open = session;
    stream = null;
    session = null;
    if (current) await current.stop();
    releaseSource();
    if (open) {
      try {
        const end = await liveApi.end(open.id);
        if (ended) status.textContent = `Stopped: ${end.framesSent} frames sent, ${end.framesReturned} magnified.`;
      } catch (e) {
        if (ended) showError(streamError, `The session ended with an error: ${describe(e)}`);
      }
    }
    if (!ended) status.textContent = "Not streaming.";
    form?.running(false);
  };

  void flagHelp().then((help) => {
    if (!alive) return;
    form = liveForm(help, (choice) => void start(choice), () => void finish(true));
    layout.prepend(form.element);
  });
  const leaving = () => { if (session) liveApi.endWhileLeaving(session.id); };
  window.addEventListener("pagehide", leaving);
  return () => {
    alive = false;
    window.removeEventListener("pagehide", leaving);
    void stream?.stop();
    leaving();
    stream = null;
    session = null;
    releaseSource();
  };
}
