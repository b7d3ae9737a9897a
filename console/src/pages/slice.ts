// The x-t / y-t slice on the result page, computed in the browser: for a column (a y-t slice)
// or a row (an x-t slice) of the frame, every frame's pixels on that line side by side, time
// running left to right, for the input and the magnified video, over a time axis. Each video is
// seeked frame by frame in a hidden <video> of its own (the player is left alone) and the line
// read from a canvas, so the result is exact for a short clip.
import { h, showError } from "../dom";
import { Line } from "../overlay";

export interface SliceSources { input: () => string | undefined; output: string; frames: number }

const DISPLAY_WIDTH = 560;

function load(src: string): Promise<HTMLVideoElement> {
  return new Promise((resolve, reject) => {
    const video = document.createElement("video");
    video.muted = true;
    video.preload = "auto";
    video.playsInline = true;
    video.onloadeddata = () => resolve(video);
    video.onerror = () => reject(new Error("the video cannot be decoded here"));
    video.src = src;
  });
}

function seek(video: HTMLVideoElement, time: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`seeking to ${time.toFixed(3)} s timed out`)), 10000);
    video.addEventListener("seeked", () => { clearTimeout(timer); resolve(); }, { once: true });
    video.currentTime = time;
  });
}

// One slice: frames x line length, RGBA. `step(i)` after each frame.
async function sliceOf(src: string, line: Line, frames: number, step: (i: number) => void): Promise<ImageData> {
  const video = await load(src);
  const width = video.videoWidth, height = video.videoHeight;
  const length = line.axis === "column" ? height : width;
  if (line.position >= (line.axis === "column" ? width : height)) {
    throw new Error(`the ${line.axis} ${line.position} is outside the ${width} × ${height} frame`);
  }
  const work = document.createElement("canvas");
  work.width = width;
  work.height = height;
  const g = work.getContext("2d", { willReadFrequently: true })!;
  const out = new ImageData(frames, length);
  const rate = frames / video.duration;
  for (let i = 0; i < frames; ++i) {
    await seek(video, Math.min(video.duration - 0.001, (i + 0.5) / rate));
    g.drawImage(video, 0, 0, width, height);
    const pixels = line.axis === "column" ? g.getImageData(line.position, 0, 1, height) : g.getImageData(0, line.position, width, 1);
    for (let j = 0; j < length; ++j) out.data.set(pixels.data.subarray(4 * j, 4 * j + 4), 4 * (j * frames + i));
    step(i);
  }
  video.removeAttribute("src");
  video.load();
  return out;
}

function niceStep(span: number, most: number): number {
  const raw = span / most;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

// A time axis under a slice drawn `pixels` wide for `frames` frames at `rate` Hz.
function timeAxis(frames: number, rate: number, pixels: number): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", String(pixels));
  svg.setAttribute("height", "34");
  svg.setAttribute("class", "time-axis");
  svg.setAttribute("role", "img");
  const seconds = frames / rate;
  svg.setAttribute("aria-label", `time axis, 0 to ${seconds.toFixed(2)} s`);
  const step = niceStep(seconds, 6);
  const base = document.createElementNS(ns, "line");
  Object.entries({ x1: "0", x2: String(pixels), y1: "1", y2: "1", stroke: "#1b1b1b" }).forEach(([k, v]) => base.setAttribute(k, v));
  svg.append(base);
  for (let t = 0; t <= seconds + 1e-9; t += step) {
    const x = Math.min(pixels - 1, (t / seconds) * pixels);
    const tick = document.createElementNS(ns, "line");
    Object.entries({ x1: String(x), x2: String(x), y1: "1", y2: "7", stroke: "#1b1b1b" }).forEach(([k, v]) => tick.setAttribute(k, v));
    const label = document.createElementNS(ns, "text");
    Object.entries({ x: String(x), y: "20", "font-size": "12", "text-anchor": t === 0 ? "start" : "middle" }).forEach(([k, v]) => label.setAttribute(k, v));
    label.textContent = step < 1 ? `${t.toFixed(step < 0.1 ? 2 : 1)}` : `${Math.round(t)}`;
    svg.append(tick, label);
  }
  const unit = document.createElementNS(ns, "text");
  Object.entries({ x: String(pixels), y: "32", "font-size": "12", "text-anchor": "end" }).forEach(([k, v]) => unit.setAttribute(k, v));
  unit.textContent = "time (s)";
  svg.append(unit);
  return svg;
}

export function slicePanel(sources: SliceSources): { element: HTMLElement; make: (line: Line) => void } {
  const axis = h("select", { id: "slice-axis" },
    h("option", { value: "column" }, "column (y-t slice)"), h("option", { value: "row" }, "row (x-t slice)"));
  const position = h("input", { id: "slice-position", type: "number", min: "0", step: "1" });
  const button = h("button", { type: "button", id: "make-slice" }, "Slice");
  const progress = h("progress", { id: "slice-progress", max: "100", value: "0", hidden: true, "aria-label": "Slice progress" });
  const status = h("p", { id: "slice-status", class: "status", "aria-live": "polite" });
  const error = h("p", { id: "slice-error", class: "error", role: "alert", hidden: true });
  const output = h("div", { id: "slices", class: "side-by-side" });
  let running = false;

  const make = async (line: Line) => {
    if (running) return;
    showError(error, "");
    axis.value = line.axis;
    position.value = String(line.position);
    const input = sources.input();
    if (!input) return showError(error, "Choose the input file above first: the slice is read from the file this browser holds.");
    running = true;
    button.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    output.replaceChildren();
    const frames = sources.frames;
    try {
      const images: [string, ImageData][] = [];
      for (const [which, src, offset] of [["input", input, 0], ["magnified", sources.output, frames]] as const) {
        images.push([which, await sliceOf(src, line, frames, (i) => {
          progress.value = (100 * (offset + i + 1)) / (2 * frames);
          status.textContent = `Slicing the ${which} video: frame ${i + 1} of ${frames}`;
        })]);
      }
      const rate = await load(input).then((v) => frames / v.duration);
      for (const [which, image] of images) {
        const canvas = h("canvas", { id: `slice-${which}`, class: "slice", role: "img",
          "aria-label": `${which} video, ${line.axis} ${line.position}, ${frames} frames` });
        canvas.width = image.width;
        canvas.height = image.height;
        canvas.getContext("2d")!.putImageData(image, 0, 0);
        const across = Math.max(1, Math.floor(DISPLAY_WIDTH / frames));
        const pixels = Math.min(DISPLAY_WIDTH, frames * across);
        canvas.style.width = `${pixels}px`;
        canvas.style.height = `${Math.round(image.height * Math.min(3, Math.max(1, 240 / image.height)))}px`;
        output.append(h("figure", {}, canvas, timeAxis(frames, rate, pixels),
          h("figcaption", {}, `${which === "input" ? "Input" : "Magnified"}: ${line.axis} ${line.position}, ` +
            `${line.axis === "column" ? "top to bottom" : "left to right"} downwards, time to the right`)));
      }
      status.textContent = `Slice of ${line.axis} ${line.position}: ${frames} frames of each video.`;
    } catch (e) {
      status.textContent = "";
      showError(error, `Slicing failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      running = false;
      button.disabled = false;
      progress.hidden = true;
    }
  };
  button.addEventListener("click", () => {
    const value = Number(position.value);
    if (position.value.trim() === "" || !Number.isInteger(value) || value < 0) {
      return showError(error, "The line's position is a whole number of pixels, from 0.");
    }
    void make({ axis: axis.value as Line["axis"], position: value });
  });
  const element = h("section", { class: "card", id: "slice-panel", "aria-labelledby": "slice-title" },
    h("h2", { id: "slice-title" }, "Time slice"),
    h("p", { class: "help" }, "With the tool \"Line\", draw on the input frame: down for a column (y-t slice), across for a row (x-t slice); or type it in."),
    h("div", { class: "inline-fields" },
      h("div", { class: "field" }, h("label", { for: "slice-axis" }, "Line"), axis),
      h("div", { class: "field" }, h("label", { for: "slice-position" }, "Position (px)"), position), button, progress),
    status, error, output);
  return { element, make: (line) => void make(line) };
}
