// The result page: the input and the magnified video side by side, played in sync, with a
// frame scrubber. The input plays from the file this tab uploaded (an object URL); for a job
// uploaded elsewhere the user picks the file (the API serves results, not inputs).
import { ApiError, FINAL_STATES, Job, JobEvent, api, jobId } from "../api";
import { h, showError } from "../dom";
import { percent, stateLabel, title } from "../format";
import { inputUrl, setInputUrl } from "../inputs";

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
      page.append(player(job));
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

function player(job: Job): HTMLElement {
  const id = jobId(job.name);
  const input = h("video", { id: "input-video", muted: true, playsinline: true, preload: "auto" });
  const output = h("video", { id: "result-video", muted: true, playsinline: true, preload: "auto",
    src: api.resultUrl(id) });
  input.muted = output.muted = true;
  const known = inputUrl(job.name);
  const inputBox = h("figure", {}, input, h("figcaption", {}, `Input: ${job.inputFilename}`));
  if (known !== undefined) {
    input.src = known;
  } else {
    const pick = h("input", { type: "file", id: "input-file", accept: "video/*" });
    pick.addEventListener("change", () => {
      const file = pick.files?.[0];
      if (file) input.src = setInputUrl(job.name, file);
    });
    inputBox.append(h("label", { for: "input-file" }, "The input is not in this tab: choose the file to compare "), pick);
  }
  const frames = Math.max(1, Number(job.framesTotal));
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
  return h("section", { class: "card", "aria-label": "Input and result" },
    h("div", { class: "side-by-side" }, inputBox,
      h("figure", {}, output, h("figcaption", {}, `Magnified (alpha ${job.params.alpha ?? ""}, ${(job.params.mode ?? "").replace("MODE_", "").toLowerCase()})`))),
    h("div", { class: "controls" }, play, scrubber, frameLabel,
      h("a", { href: api.resultUrl(id, true), download: "", id: "download" }, "Download result")),
    playError);
}
