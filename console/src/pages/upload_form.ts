// The upload form: the file, a name, and the magnification parameters with the CLI's help text
// beside each field. Fields left empty take the service's defaults (shown as placeholders).
import { ApiError, Job, MagnifyParams } from "../api";
import { h, showError } from "../dom";
import { bytes } from "../format";
import { FlagHelp } from "../help";
import { rememberInput } from "../inputs";
import { uploadJob } from "../upload";

interface NumberField { id: string; flag: string; label: string; param: keyof MagnifyParams; integer?: boolean }

const NUMBER_FIELDS: NumberField[] = [
  { id: "alpha", flag: "--alpha", label: "Alpha", param: "alpha" },
  { id: "fl", flag: "--fl", label: "Low edge fl (Hz)", param: "lowHz" },
  { id: "fh", flag: "--fh", label: "High edge fh (Hz)", param: "highHz" },
  { id: "fs", flag: "--fs", label: "Capture rate fs (Hz)", param: "sampleRateHz" },
  { id: "order", flag: "--order", label: "Butterworth order", param: "order", integer: true },
  { id: "taps", flag: "--taps", label: "FIR taps", param: "taps", integer: true },
  { id: "reference", flag: "--reference", label: "Reference frame", param: "referenceFrame", integer: true },
];
const MODES: Record<string, string> = { static: "MODE_STATIC", dynamic: "MODE_DYNAMIC", temporal: "MODE_TEMPORAL" };
const FILTERS: Record<string, string> = {
  fir: "FILTER_FIR", butter: "FILTER_BUTTERWORTH", iir: "FILTER_DIFFERENCE_OF_IIR", accel: "FILTER_ACCELERATION",
};
const METHODS: Record<string, string> = {
  learned: "METHOD_LEARNED", phase: "METHOD_PHASE", riesz: "METHOD_RIESZ", linear: "METHOD_LINEAR",
};

function row(id: string, label: string, control: HTMLElement, helpText: string): HTMLElement {
  control.setAttribute("aria-describedby", `${id}-help`);
  return h("div", { class: "field" },
    h("label", { for: id }, label), control, h("p", { id: `${id}-help`, class: "help" }, helpText));
}

function select(id: string, names: string[], chosen: string): HTMLSelectElement {
  const element = h("select", { id, name: id });
  for (const name of names) element.append(h("option", { value: name, selected: name === chosen }, name));
  return element;
}

export function uploadForm(help: FlagHelp, submitted: (job: Job) => void): HTMLElement {
  const helpOf = (flag: string) => help.flags[flag]?.help ?? "";
  const defaultOf = (flag: string) => help.flags[flag]?.default ?? "";
  const file = h("input", { id: "file", type: "file", accept: "video/*,.mkv,.avi", required: true });
  const name = h("input", { id: "display-name", type: "text", maxlength: "200" });
  const method = select("method", Object.keys(METHODS), defaultOf("--method") || "learned");
  const color = h("input", { id: "color", name: "color", type: "checkbox" });
  const mode = select("mode", Object.keys(MODES), defaultOf("--mode") || "static");
  const filter = select("filter", Object.keys(FILTERS), defaultOf("--filter") || "iir");
  const numbers = new Map<NumberField, HTMLInputElement>();
  const fields: HTMLElement[] = [
    row("file", "Video", file, "Any file FFmpeg reads (mp4, mov, avi, mkv, ...). Checked by a worker, not here."),
    row("display-name", "Name", name, "Optional; shown in the job list."),
    row("method", "Method", method, helpOf("--method")),
    row("color", "Colour amplification", color, helpOf("--color")),
    row("mode", "Mode", mode, helpOf("--mode")),
  ];
  for (const field of NUMBER_FIELDS) {
    const input = h("input", { id: field.id, name: field.id, type: "number", step: field.integer ? "1" : "any",
      placeholder: defaultOf(field.flag) });
    numbers.set(field, input);
    fields.push(row(field.id, field.label, input, helpOf(field.flag)));
    if (field.id === "alpha") fields.push(row("filter", "Temporal filter", filter, helpOf("--filter")));
  }
  const progress = h("progress", { id: "upload-progress", max: "100", value: "0", hidden: true, "aria-label": "Upload progress" });
  const status = h("p", { id: "upload-status", class: "status", "aria-live": "polite" });
  const error = h("p", { id: "upload-error", class: "error", role: "alert", hidden: true });
  const button = h("button", { type: "submit" }, "Upload and magnify");
  const footer = h("details", {}, h("summary", {}, "About alpha and the modes (vmm magnify --help)"), h("pre", {}, help.footer));
  const form = h("form", { class: "card", id: "upload-form", "aria-labelledby": "upload-title" },
    h("h2", { id: "upload-title" }, "New job"), h("div", { class: "grid" }, ...fields), footer,
    progress, status, error, button);

  const syncEnabled = () => {
    color.disabled = method.value !== "linear";
    const temporal = mode.value === "temporal";
    filter.disabled = !temporal;
    for (const [field, input] of numbers) {
      if (["fl", "fh", "order", "taps"].includes(field.id)) input.disabled = !temporal;
      if (field.id === "reference") input.disabled = mode.value !== "static";
    }
  };
  mode.addEventListener("change", syncEnabled);
  method.addEventListener("change", syncEnabled);
  syncEnabled();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(error, "");
    const chosen = file.files?.[0];
    if (chosen === undefined) return showError(error, "Choose a video file first.");
    const params: MagnifyParams = { mode: MODES[mode.value], method: METHODS[method.value] };
    if (!color.disabled && color.checked) params.color = true;
    if (mode.value === "temporal") params.filter = FILTERS[filter.value];
    for (const [field, input] of numbers) {
      if (input.disabled || input.value.trim() === "") continue;
      const value = Number(input.value);
      if (!Number.isFinite(value)) return showError(error, `${field.label}: not a number.`);
      (params as Record<string, unknown>)[field.param] = field.param === "referenceFrame" ? String(value) : value;
    }
    button.disabled = true;
    progress.hidden = false;
    try {
      const job = await uploadJob(chosen, name.value.trim(), params, (p) => {
        progress.value = p.total > 0 ? (100 * p.done) / p.total : 100;
        status.textContent = p.phase === "checksum"
          ? `Checksum: ${bytes(p.done)} of ${bytes(p.total)}`
          : `Uploading: ${bytes(p.done)} of ${bytes(p.total)}`;
      });
      rememberInput(job.name, chosen);
      status.textContent = `Uploaded ${chosen.name}: ${job.name} is ${job.state.toLowerCase()}.`;
      form.reset();
      syncEnabled();
      submitted(job);
    } catch (e) {
      status.textContent = "";
      showError(error, e instanceof ApiError ? `Upload refused: ${e.message} (${e.code})` : `Upload failed: ${String(e)}`);
    } finally {
      button.disabled = false;
      progress.hidden = true;
    }
  });
  return form;
}
