// "Measure motion" on the result page: regions drawn on the input frame (or typed in), a
// measurement job (JobSpec.analysis) for the same input, followed to its report; then each
// region's spectrum (peaks marked) and displacement, the whole frame's peaks, and a band
// picked on a spectrum (dragged, or a peak's suggested band) that "Magnify this band" submits
// as a temporal job.
import { AnalysisRegion, ApiError, Job, MagnifyParams, api, jobId } from "../api";
import { Band, spectrumChart, waveformChart, SpectrumChart } from "../charts";
import { h, showError } from "../dom";
import { followJob } from "../follow";
import { percent, stateLabel } from "../format";
import { rememberInput } from "../inputs";
import { Overlay, Rect } from "../overlay";
import { amplitudeSpectrum, combine } from "../spectrum";
import { uploadJob } from "../upload";

export interface ReportPeak {
  frequency_hz: number;
  amplitude_px: number;
  band?: { low_hz: number; high_hz: number };
  alpha?: number;
}
export interface Report {
  frames: number;
  sample_rate_hz: number;
  bin_hz: number;
  whole_frame: { noise_floor_px: number; textured_blocks: number; peaks: ReportPeak[]; spectrum_px?: number[] };
  regions: {
    name: string; textured: boolean; lost_frames: number; noise_floor_px: number;
    displacement_px: { x: number[]; y: number[] }; peaks: ReportPeak[];
  }[];
}

const message = (e: unknown) => (e instanceof ApiError ? `${e.message} (${e.code})` : String(e));

function numberInput(id: string, label: string, attributes: Record<string, string> = {}): [HTMLElement, HTMLInputElement] {
  const input = h("input", { id, type: "number", step: "any", ...attributes });
  return [h("div", { class: "field" }, h("label", { for: id }, label), input), input];
}

// The measurement section. `file` gives the input to upload again (the tab's copy, or the
// server's fetched on demand; it throws when neither can be had); `frame` holds the regions drawn
// on the input frame, and the returned `add` takes one more (from the overlay).
export function measurePanel(job: Job, file: () => Promise<File>, frame: Overlay): { element: HTMLElement; add: (r: Rect) => void } {
  const list = h("ul", { id: "region-list", class: "regions" });
  const [xBox, x] = numberInput("region-x", "x", { min: "0", step: "1" });
  const [yBox, y] = numberInput("region-y", "y", { min: "0", step: "1" });
  const [wBox, w] = numberInput("region-width", "width", { min: "4", step: "1" });
  const [hBox, ht] = numberInput("region-height", "height", { min: "4", step: "1" });
  const add = h("button", { type: "button", id: "add-region" }, "Add region");
  const regionError = h("p", { id: "region-error", class: "error", role: "alert", hidden: true });
  const measure = h("button", { type: "button", id: "measure" }, "Measure motion");
  const progress = h("progress", { id: "measure-progress", max: "100", value: "0", hidden: true, "aria-label": "Measurement progress" });
  const status = h("p", { id: "measure-status", class: "status", "aria-live": "polite" });
  const error = h("p", { id: "measure-error", class: "error", role: "alert", hidden: true });
  const results = h("div", { id: "measurement" });

  const renderRegions = () => {
    list.replaceChildren(...frame.regions.map((r, i) => {
      const remove = h("button", { type: "button", "aria-label": `Remove region ${r.name}` }, "Remove");
      remove.addEventListener("click", () => { frame.regions.splice(i, 1); renderRegions(); });
      return h("li", {}, `${r.name}: x ${r.x}, y ${r.y}, ${r.width} × ${r.height} px `, remove);
    }));
    if (frame.regions.length === 0) list.append(h("li", { class: "sub" }, "No regions: the whole frame only."));
    frame.redraw();
  };
  const addRegion = (r: Rect) => {
    showError(regionError, "");
    if (frame.regions.length >= 64) return showError(regionError, "At most 64 regions.");
    let n = frame.regions.length + 1;
    while (frame.regions.some((q) => q.name === `r${n}`)) ++n;
    frame.regions.push({ ...r, name: `r${n}` });
    renderRegions();
  };
  add.addEventListener("click", () => {
    const values = [x, y, w, ht].map((input) => Number(input.value));
    if ([x, y, w, ht].some((input) => input.value.trim() === "") || values.some((v) => !Number.isInteger(v) || v < 0)) {
      return showError(regionError, "A region needs whole numbers for x, y, width and height.");
    }
    if (values[2] < 4 || values[3] < 4) return showError(regionError, "A region is at least 4 × 4 pixels.");
    addRegion({ name: "", x: values[0], y: values[1], width: values[2], height: values[3] });
  });
  renderRegions();

  measure.addEventListener("click", async () => {
    showError(error, "");
    measure.disabled = true;
    progress.hidden = false;
    results.replaceChildren();
    try {
      const chosen = await inputFor(file, status, error);
      if (!chosen) return;
      const regions: AnalysisRegion[] = frame.regions.map(({ name, x, y, width, height }) => ({ name, x, y, width, height }));
      const submitted = await uploadJob(chosen, `${job.displayName || job.inputFilename} (measurement)`, {},
        (p) => { status.textContent = `${p.phase === "checksum" ? "Checksum" : "Uploading"}: ${percent(p.done, p.total)}%`; },
        { analysis: { regions }, outputFormat: "OUTPUT_FORMAT_JSON" });
      rememberInput(submitted.name, chosen);
      const final = await followJob(submitted, (j, event) => {
        const s = event?.state ?? j.state;
        const done = Number(event?.framesDone ?? j.framesDone), total = Number(event?.framesTotal ?? j.framesTotal);
        progress.value = percent(done, total);
        status.textContent = `Measurement ${jobId(j.name)}: ${stateLabel(s)}${total > 0 ? `, ${done} / ${total} frames` : ""}`;
      });
      if (final.state !== "SUCCEEDED") {
        throw new Error(`The measurement ${stateLabel(final.state).toLowerCase()}${final.failureReason ? `: ${final.failureReason}` : "."}`);
      }
      const report = await fetchReport(jobId(final.name));
      status.textContent = `Measured ${report.frames} frames at ${report.sample_rate_hz} Hz (job ${jobId(final.name)}).`;
      results.append(reportView(report, job, async () => chosen));
    } catch (e) {
      status.textContent = "";
      showError(error, `Measurement failed: ${message(e)}`);
    } finally {
      measure.disabled = false;
      progress.hidden = true;
    }
  });

  const element = h("section", { class: "card", id: "measure-panel", "aria-labelledby": "measure-title" },
    h("h2", { id: "measure-title" }, "Measure motion"),
    h("p", { class: "help" }, "Optional regions to measure: with the tool \"Region\", drag rectangles on the input frame, or type one in. The whole frame is always measured."),
    list, h("div", { class: "inline-fields" }, xBox, yBox, wBox, hBox, add), regionError,
    h("div", { class: "actions" }, measure, progress), status, error, results);
  return { element, add: addRegion };
}

export async function fetchReport(id: string): Promise<Report> {
  const response = await api.result(id);
  const report = (await response.json()) as Report;
  for (const field of ["frames", "sample_rate_hz", "bin_hz"] as const) {
    if (typeof report[field] !== "number") throw new Error(`the report has no number for ${field}`);
  }
  if (!report.whole_frame || !Array.isArray(report.regions)) throw new Error("the report has no whole_frame or regions");
  return report;
}

// The report's charts and the band form. `file`: the input to magnify, as measurePanel's.
export function reportView(report: Report, job: Job, file: () => Promise<File>): HTMLElement {
  const fs = report.sample_rate_hz;
  const nyquist = fs / 2;
  const charts: SpectrumChart[] = [];
  const [flBox, fl] = numberInput("band-fl", "Low edge fl (Hz)", { min: "0" });
  const [fhBox, fh] = numberInput("band-fh", "High edge fh (Hz)", { min: "0" });
  const [fsBox, fsInput] = numberInput("band-fs", "Capture rate fs (Hz)", { min: "0" });
  const [alphaBox, alpha] = numberInput("band-alpha", "Alpha", { min: "0" });
  const filter = h("select", { id: "band-filter" },
    h("option", { value: "FILTER_BUTTERWORTH", selected: true }, "butter"),
    h("option", { value: "FILTER_FIR" }, "fir"), h("option", { value: "FILTER_DIFFERENCE_OF_IIR" }, "iir"));
  fsInput.value = String(fs);
  alpha.value = String(job.params?.alpha ?? 10);
  const setBand = (band: Band, suggestedAlpha?: number) => {
    fl.value = band.lowHz.toPrecision(3);
    fh.value = band.highHz.toPrecision(3);
    if (suggestedAlpha !== undefined) alpha.value = String(suggestedAlpha);
    for (const chart of charts) chart.showBand(band);
    fl.dispatchEvent(new Event("change"));
  };
  for (const input of [fl, fh]) {
    input.addEventListener("input", () => {
      const band = { lowHz: Number(fl.value), highHz: Number(fh.value) };
      for (const chart of charts) chart.showBand(band.highHz > band.lowHz ? band : null);
    });
  }

  const sections: HTMLElement[] = [];
  // Reports from servers older than whole_frame.spectrum_px have the peaks only.
  const frameSpectrum = report.whole_frame.spectrum_px ?? [];
  const binHz = Number(report.bin_hz) || 0;
  const whole = spectrumChart("spectrum-frame", frameSpectrum.length > 0
    ? "Whole frame: amplitude spectrum, mean over its textured blocks (drag across it to pick a band)"
    : "Whole frame: its peaks over the noise floor (this report holds no whole-frame spectrum). Drag across the chart to pick a band.",
    frameSpectrum.map((_, k) => k * binHz), frameSpectrum, report.whole_frame.peaks.map((p) => ({ frequencyHz: p.frequency_hz, amplitudePx: p.amplitude_px })),
    nyquist, report.whole_frame.noise_floor_px, (b) => setBand(b));
  charts.push(whole);
  sections.push(h("div", { class: "report-region" }, h("h3", {}, `Whole frame (${report.whole_frame.textured_blocks} textured blocks)`), whole.element,
    peakList("frame", report.whole_frame.peaks, setBand)));
  report.regions.forEach((region, i) => {
    const dx = region.displacement_px?.x ?? [], dy = region.displacement_px?.y ?? [];
    const spectrum = combine(amplitudeSpectrum(dx, fs), amplitudeSpectrum(dy, fs));
    const chart = spectrumChart(`spectrum-${i}`, `${region.name}: amplitude spectrum (drag across it to pick a band)`, spectrum.frequency,
      spectrum.amplitude, region.peaks.map((p) => ({ frequencyHz: p.frequency_hz, amplitudePx: p.amplitude_px })), nyquist,
      region.noise_floor_px, (b) => setBand(b));
    charts.push(chart);
    const note = !region.textured ? "too flat to measure" : region.lost_frames > 0 ? `lost in ${region.lost_frames} frames` : "";
    sections.push(h("div", { class: "report-region" },
      h("h3", {}, `Region ${region.name}${note ? ` (${note})` : ""}`),
      h("div", { class: "chart-row" }, chart.element,
        waveformChart(`waveform-${i}`, `${region.name}: displacement`, fs, dx, dy)),
      peakList(`region-${i}`, region.peaks, setBand)));
  });

  const submit = h("button", { type: "submit", id: "magnify-band" }, "Magnify this band");
  const status = h("p", { id: "band-status", class: "status", "aria-live": "polite" });
  const error = h("p", { id: "band-error", class: "error", role: "alert", hidden: true });
  const form = h("form", { id: "band-form", class: "band-form", "aria-labelledby": "band-title" },
    h("h3", { id: "band-title" }, "Magnify a band (mode temporal)"),
    h("div", { class: "inline-fields" }, flBox, fhBox, fsBox, alphaBox,
      h("div", { class: "field" }, h("label", { for: "band-filter" }, "Filter"), filter), submit),
    status, error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(error, "");
    const values = [fl, fh, fsInput, alpha].map((input) => (input.value.trim() === "" ? NaN : Number(input.value)));
    if (values.some((v) => !Number.isFinite(v))) return showError(error, "fl, fh, fs and alpha must be numbers: pick a band first.");
    const params: MagnifyParams = { mode: "MODE_TEMPORAL", filter: filter.value, lowHz: values[0], highHz: values[1],
      sampleRateHz: values[2], alpha: values[3] };
    submit.disabled = true;
    try {
      const chosen = await inputFor(file, status, error);
      if (!chosen) return;
      const name = `${job.displayName || job.inputFilename} ${fl.value}-${fh.value} Hz`;
      const created = await uploadJob(chosen, name, params,
        (p) => { status.textContent = `${p.phase === "checksum" ? "Checksum" : "Uploading"}: ${percent(p.done, p.total)}%`; });
      rememberInput(created.name, chosen);
      location.hash = `#/jobs/${jobId(created.name)}`;
    } catch (e) {
      status.textContent = "";
      showError(error, `Refused: ${message(e)}`);
    } finally {
      submit.disabled = false;
    }
  });
  return h("div", { class: "report" },
    h("p", {}, `${report.frames} frames at ${fs} Hz; bins of ${report.bin_hz.toPrecision(3)} Hz.`), ...sections, form);
}

// The input from `file`, with a status while the server's copy downloads; undefined (the reason
// shown in `error`) if it cannot be had.
async function inputFor(file: () => Promise<File>, status: HTMLElement, error: HTMLElement): Promise<File | undefined> {
  status.textContent = "Getting the input…";
  try {
    const chosen = await file();
    status.textContent = "";
    return chosen;
  } catch (e) {
    status.textContent = "";
    showError(error, `Cannot get the input from the server: ${message(e)}. Choose the input file on the player instead.`);
    return undefined;
  }
}

function peakList(id: string, peaks: ReportPeak[], setBand: (band: Band, alpha?: number) => void): HTMLElement {
  if (peaks.length === 0) return h("p", { class: "sub", id: `peaks-${id}` }, "No peak above the noise floor.");
  return h("ul", { class: "peaks", id: `peaks-${id}` }, ...peaks.map((p) => {
    const text = `${p.frequency_hz.toPrecision(3)} Hz, ${p.amplitude_px.toPrecision(3)} px`;
    if (!p.band) return h("li", { "data-frequency": String(p.frequency_hz) }, text);
    const band = { lowHz: p.band.low_hz, highHz: p.band.high_hz };
    const use = h("button", { type: "button", class: "use-peak", "data-frequency": String(p.frequency_hz) },
      `Use ${band.lowHz.toPrecision(3)}–${band.highHz.toPrecision(3)} Hz${p.alpha ? `, alpha ${p.alpha}` : ""}`);
    use.addEventListener("click", () => setBand(band, p.alpha));
    return h("li", { "data-frequency": String(p.frequency_hz) }, `${text} `, use);
  }));
}
