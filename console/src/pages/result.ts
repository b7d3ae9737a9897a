// The result page: the input and the magnified video side by side, or in one frame split by a
// draggable handle (split_view.ts), played in sync, with a frame scrubber; on the input frame the user draws regions to measure ("Measure motion",
// pages/measure.ts) or a line to slice ("Time slice", pages/slice.ts). The input plays from the
// file this tab uploaded (an object URL), else from the server (GET /api/jobs/{id}/input); only
// if the server cannot serve it (a server_path input) does the user pick the file. A measurement
// job's page shows its report's charts.
import { ApiError, FINAL_STATES, Job, JobEvent, api, jobId } from "../api";
import { h, showError } from "../dom";
import { percent, stateLabel, title } from "../format";
import { inputProblem, inputUrl, loadInputFile, setInputUrl } from "../inputs";
import { Line, Rect, overlay } from "../overlay";
import { splitView } from "../split_view";
import { fetchReport, measurePanel, reportView } from "./measure";
import { slicePanel } from "./slice";

export function resultPage(page: HTMLElement, id: string): () => void {
  const error = h("p", { id: "result-error", class: "error", role: "alert", hidden: true });
  const heading = h("h1", {}, `Job ${id}`);
  const state = h("p", { id: "job-state", "aria-live": "polite" });
  page.replaceChildren(h("p", {}, h("a", { href: "#/jobs" }, "← Jobs")), heading, state, error);
  let source: EventSource | null = null;
  let shown = false;

  const showJob = (job: Job, event?: JobEvent) => {
    heading.textContent = title(job);
    const s = event?.state ?? job.state;
    const done = Number(event?.framesDone ?? job.framesDone);
    const total = Number(event?.framesTotal ?? job.framesTotal);
    state.textContent = `${stateLabel(s)}${FINAL_STATES.has(s) ? "" : ` — ${percent(done, total)}%`}` +
      (job.failureReason ? `: ${job.failureReason}` : "");
    if (s === "SUCCEEDED" && !shown) {
      shown = true;
      if (job.outputFormat === "OUTPUT_FORMAT_JSON") {
        fetchReport(id).then((report) => page.append(h("section", { class: "card", id: "measure-panel" },
          h("h2", {}, "Measurement"), reportView(report, job, () => loadInputFile(job)))))
          .catch((e) => showError(error, `The report cannot be read: ${e instanceof ApiError ? `${e.message} (${e.code})` : String(e)}`));
      } else {
        page.append(...player(job));
      }
    }
  };

  api.getJob(id).then((job) => {
    showJob(job);
    if (!FINAL_STATES.has(job.state)) {
      source = new EventSource(api.eventsUrl(id));
      source.onmessage = (m) => {
        const event = JSON.parse(m.data) as JobEvent;
        if (event.job) showJob(event.job, event);
      };
      source.addEventListener("end", () => source?.close());
    }
  }).catch((e) => showError(error, e instanceof ApiError ? `${e.message} (${e.code})` : String(e)));
  return () => source?.close();
}

function player(job: Job): HTMLElement[] {
  const id = jobId(job.name);
  const input = h("video", { id: "input-video", muted: true, playsinline: true, preload: "auto" });
  const output = h("video", { id: "result-video", muted: true, playsinline: true, preload: "auto",
    src: api.resultUrl(id) });
  input.muted = output.muted = true;
  const known = inputUrl(job.name);
  const frames = Math.max(1, Number(job.framesTotal));
  let measure: ReturnType<typeof measurePanel> | null = null;
  let slice: ReturnType<typeof slicePanel> | null = null;
  const frame = overlay(input, (tool, shape) => {
    if (tool === "region") measure?.add(shape as Rect);
    else {
      frame.line = shape as Line;
      slice?.make(shape as Line);
    }
  });
  // The server's copy of the input, unless it failed to load (then the picker below).
  let serverInput = true;
  measure = measurePanel(job, () => loadInputFile(job), frame);
  slice = slicePanel({ input: () => inputUrl(job.name) ?? (serverInput ? api.inputUrl(id) : undefined), output: api.resultUrl(id), frames });
  const toolName = "draw-tool";
  const tools = h("fieldset", { class: "tools" }, h("legend", {}, "Drawing on the input frame"),
    ...(["region", "line"] as const).map((tool) => {
      const radio = h("input", { type: "radio", name: toolName, id: `tool-${tool}`, value: tool, checked: tool === "region" });
      radio.addEventListener("change", () => { if (radio.checked) frame.tool = tool; });
      return h("label", { for: `tool-${tool}` }, radio, tool === "region" ? " Region (to measure)" : " Line (to slice)");
    }));
  const inputBox = h("figure", {}, frame.element, h("figcaption", {}, `Input: ${job.inputFilename}`));
  const downloadInput = h("a", { href: api.inputUrl(id, true), download: "", id: "download-input" }, "Download input");
  input.src = known ?? api.inputUrl(id);
  if (known === undefined) {
    // The server cannot play it: say why, and let the user pick the file instead.
    input.addEventListener("error", async () => {
      if (!serverInput) return;
      serverInput = false;
      downloadInput.hidden = true;
      const why = await inputProblem(job);
      const pick = h("input", { type: "file", id: "input-file", accept: "video/*" });
      pick.addEventListener("change", () => {
        const file = pick.files?.[0];
        if (file) input.src = setInputUrl(job.name, file);
      });
      inputBox.append(h("label", { for: "input-file" },
        `The server cannot play the input${why ? ` (${why})` : ""}: choose the file to compare `), pick);
    }, { once: true });
  }
  const scrubber = h("input", { id: "scrubber", type: "range", min: "0", max: String(frames - 1), value: "0", step: "1",
    "aria-label": "Frame" });
  const frameLabel = h("output", { id: "frame-label", for: "scrubber" }, `Frame 1 of ${frames}`);
  const play = h("button", { type: "button", id: "play" }, "Play");
  const playError = h("p", { class: "error", role: "alert", hidden: true });
  const frameRate = () => (output.duration > 0 ? frames / output.duration : 30);

  const setFrame = (frame: number) => {
    scrubber.value = String(frame);
    frameLabel.textContent = `Frame ${frame + 1} of ${frames}`;
  };
  scrubber.addEventListener("input", () => {
    input.pause();
    output.pause();
    play.textContent = "Play";
    const time = (Number(scrubber.value) + 0.5) / frameRate();
    output.currentTime = time;
    if (input.src) input.currentTime = time;
    setFrame(Number(scrubber.value));
  });
  play.addEventListener("click", async () => {
    showError(playError, "");
    if (!output.paused) {
      input.pause();
      output.pause();
      play.textContent = "Play";
      return;
    }
    if (output.ended) output.currentTime = 0;
    if (input.src) input.currentTime = output.currentTime;
    try {
      await Promise.all([output.play(), input.src ? input.play() : Promise.resolve()]);
      play.textContent = "Pause";
    } catch (e) {
      showError(playError, `Cannot play: ${String(e)}`);
    }
  });
  output.addEventListener("timeupdate", () => {
    setFrame(Math.min(frames - 1, Math.floor(output.currentTime * frameRate())));
    if (input.src && !output.paused && Math.abs(input.currentTime - output.currentTime) > 0.1) {
      input.currentTime = output.currentTime;
    }
  });
  output.addEventListener("ended", () => { input.pause(); play.textContent = "Play"; });
  output.addEventListener("error", () => showError(playError, "The magnified video cannot be played here (download it)."));
  const outputBox = h("figure", {}, output,
    h("figcaption", {}, `Magnified (alpha ${job.params.alpha ?? ""}, ${(job.params.mode ?? "").replace("MODE_", "").toLowerCase()})`));
  const pair = h("div", { class: "side-by-side" }, inputBox, outputBox);
  const split = splitView(frame.element, output, outputBox, pair);
  const views = h("fieldset", { class: "tools", id: "view" }, h("legend", {}, "View"),
    ...(["side", "split"] as const).map((view) => {
      const radio = h("input", { type: "radio", name: "result-view", id: `view-${view}`, value: view, checked: view === "side" });
      radio.addEventListener("change", () => { if (radio.checked) split.show(view === "split"); });
      return h("label", { for: `view-${view}` }, radio, view === "side" ? " Side by side" : " Split (drag the handle)");
    }));
  return [h("section", { class: "card", "aria-label": "Input and result" },
    views, pair,
    h("div", { class: "controls" }, play, scrubber, frameLabel,
      h("a", { href: api.resultUrl(id, true), download: "", id: "download" }, "Download result"), downloadInput),
    tools, playError), measure.element, slice.element];
}
