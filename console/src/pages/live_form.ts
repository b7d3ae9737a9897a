// The live page's form: the source (the browser's camera or a local video file), the frame
// size, and the magnification parameters with the CLI's help text beside each field, as on the
// upload form. Live streams take only the causal temporal filters (butter, iir); riesz is the
// method fast enough for a CPU. Fields left empty take the service's defaults (placeholders).
import { MagnifyParams } from "../api";
import { h } from "../dom";
import { fieldRow, selectField } from "../form_fields";
import { FlagHelp } from "../help";
import { LiveConfig } from "../live_api";

export const SIZES = ["160x120", "320x240", "640x480"];
const METHODS: Record<string, string> = {
  riesz: "METHOD_RIESZ", phase: "METHOD_PHASE", linear: "METHOD_LINEAR", learned: "METHOD_LEARNED",
};
const MODES: Record<string, string> = { static: "MODE_STATIC", dynamic: "MODE_DYNAMIC", temporal: "MODE_TEMPORAL" };
const FILTERS: Record<string, string> = { iir: "FILTER_DIFFERENCE_OF_IIR", butter: "FILTER_BUTTERWORTH" };
// The rate frames are taken at when fs is left empty: the service's default for live streams.
export const DEFAULT_RATE_HZ = 30;

interface NumberField { id: string; flag: string; label: string; param: keyof MagnifyParams; temporal?: boolean; placeholder?: string }
const NUMBER_FIELDS: NumberField[] = [
  { id: "live-alpha", flag: "--alpha", label: "Alpha", param: "alpha" },
  { id: "live-fl", flag: "--fl", label: "Low edge fl (Hz)", param: "lowHz", temporal: true },
  { id: "live-fh", flag: "--fh", label: "High edge fh (Hz)", param: "highHz", temporal: true },
  { id: "live-fs", flag: "--fs", label: "Capture rate fs (Hz)", param: "sampleRateHz", placeholder: String(DEFAULT_RATE_HZ) },
  { id: "live-order", flag: "--order", label: "Butterworth order", param: "order", temporal: true },
];

export interface LiveChoice {
  source: "camera" | "file";
  file?: File;
  config: LiveConfig;
  rateHz: number;
}

export interface LiveForm {
  element: HTMLFormElement;
  error: HTMLElement;    // errors of the form, the camera or the file, and opening the session
  running(on: boolean): void;
}

export function liveForm(help: FlagHelp, start: (choice: LiveChoice) => void, stop: () => void): LiveForm {
  const helpOf = (flag: string) => help.flags[flag]?.help ?? "";
  const defaultOf = (flag: string) => help.flags[flag]?.default ?? "";
  const sourceName = "live-source";
  const sourceRadio = (value: string, label: string) => {
    const radio = h("input", { type: "radio", name: sourceName, id: `source-${value}`, value, checked: value === "camera" });
    return h("label", { for: `source-${value}` }, radio, ` ${label}`);
  };
  const file = h("input", { id: "live-file", type: "file", accept: "video/*", disabled: true,
    "aria-describedby": "live-file-help" });
  const source = h("fieldset", { class: "source" }, h("legend", {}, "Source"),
    sourceRadio("camera", "Camera"), sourceRadio("file", "Video file"), file,
    h("p", { id: "live-file-help", class: "help" },
      "The camera asks for your permission; a file plays in a loop. Either is scaled to the size below."));
  const size = selectField("live-size", SIZES, "320x240");
  const method = selectField("live-method", Object.keys(METHODS), "riesz");
  const mode = selectField("live-mode", Object.keys(MODES), defaultOf("--mode") || "static");
  const filter = selectField("live-filter", Object.keys(FILTERS), "iir");
  const inFlight = h("input", { id: "live-in-flight", type: "number", min: "1", max: "8", step: "1", value: "2" });
  const numbers = new Map<NumberField, HTMLInputElement>();
  const temporalRows: HTMLElement[] = [];
  const fields: HTMLElement[] = [
    fieldRow("live-size", "Frame size", size,
      "Width x height the frames are sent at (rgb24, 3 bytes a pixel). Larger is slower."),
    fieldRow("live-method", "Method", method,
      `${helpOf("--method")}. riesz is the fast one on a CPU; learned wants a GPU.`),
    fieldRow("live-mode", "Mode", mode, helpOf("--mode")),
  ];
  const filterRow = fieldRow("live-filter", "Temporal filter", filter,
    `${helpOf("--filter")}. Live streams take only the causal ones: butter or iir.`);
  temporalRows.push(filterRow);
  for (const field of NUMBER_FIELDS) {
    const input = h("input", { id: field.id, name: field.id, type: "number", step: "any",
      placeholder: field.placeholder ?? defaultOf(field.flag) });
    numbers.set(field, input);
    const note = field.id === "live-fs"
      ? `. Live: ${DEFAULT_RATE_HZ} Hz if empty, and the rate frames are taken at` : "";
    const row = fieldRow(field.id, field.label, input, `${helpOf(field.flag)}${note}`);
    if (field.temporal) temporalRows.push(row);
    fields.push(row);
    if (field.id === "live-alpha") fields.push(filterRow);
  }
  fields.push(fieldRow("live-in-flight", "Frames in flight", inFlight,
    "Frames sent but not yet answered (vmm stream --max-in-flight); a frame due while that many are out is skipped."));
  const error = h("p", { id: "live-error", class: "error", role: "alert", hidden: true });
  const startButton = h("button", { type: "submit", id: "live-start" }, "Start");
  const stopButton = h("button", { type: "button", id: "live-stop", disabled: true }, "Stop");
  const footer = h("details", {}, h("summary", {}, "About alpha and the modes (vmm magnify --help)"), h("pre", {}, help.footer));
  const element = h("form", { class: "card", id: "live-form", "aria-labelledby": "live-form-title" },
    h("h2", { id: "live-form-title" }, "Stream"), source, h("div", { class: "grid" }, ...fields), footer, error,
    h("div", { class: "controls" }, startButton, stopButton));

  const syncEnabled = () => {
    // Shown only where they apply, so that the form stays short beside the frames.
    const temporal = mode.value === "temporal";
    filter.disabled = !temporal;
    for (const [field, input] of numbers) if (field.temporal) input.disabled = !temporal;
    for (const row of temporalRows) row.hidden = !temporal;
    file.disabled = (element.querySelector(`input[name=${sourceName}]:checked`) as HTMLInputElement).value !== "file";
  };
  element.addEventListener("change", syncEnabled);
  syncEnabled();

  element.addEventListener("submit", (event) => {
    event.preventDefault();
    error.hidden = true;
    const chosenSource = (element.querySelector(`input[name=${sourceName}]:checked`) as HTMLInputElement).value as "camera" | "file";
    const chosenFile = file.files?.[0];
    const fail = (message: string, focus: HTMLElement) => {
      error.textContent = message;
      error.hidden = false;
      focus.focus();
    };
    if (chosenSource === "file" && chosenFile === undefined) return fail("Choose a video file first.", file);
    const [width, height] = size.value.split("x").map(Number);
    const params: MagnifyParams = { method: METHODS[method.value], mode: MODES[mode.value] };
    if (mode.value === "temporal") params.filter = FILTERS[filter.value];
    for (const [field, input] of numbers) {
      if (input.disabled || input.value.trim() === "") continue;
      const value = Number(input.value);
      if (!Number.isFinite(value)) return fail(`${field.label}: not a number.`, input);
      (params as Record<string, unknown>)[field.param] = value;
    }
    const frames = Number(inFlight.value);
    if (!Number.isInteger(frames) || frames < 1) return fail("Frames in flight: a whole number, 1 or more.", inFlight);
    const rate = params.sampleRateHz ?? DEFAULT_RATE_HZ;
    start({
      source: chosenSource,
      file: chosenFile,
      config: { width, height, pixelFormat: "rgb24", params, maxFramesInFlight: frames },
      // The service refuses a bad fs with its own message; the loop needs a usable rate anyway.
      rateHz: rate > 0 ? Math.min(rate, 120) : DEFAULT_RATE_HZ,
    });
  });
  stopButton.addEventListener("click", stop);
  return {
    element,
    error,
    running(on) {
      startButton.disabled = on;
      stopButton.disabled = !on;
      for (const control of element.querySelectorAll<HTMLInputElement | HTMLSelectElement>("input, select")) {
        control.disabled = on;
      }
      if (!on) syncEnabled();
      (on ? stopButton : startButton).focus();
    },
  };
}
