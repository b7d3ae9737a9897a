// The result page's split view: the magnified video laid over the input's frame and clipped to
// the right of a handle, so that one picture shows the input left of the handle and the
// magnified video right of it. The same two <video> elements as side by side are used (the
// output is moved in and back), so playing, the scrubber and the sync work alike in both views;
// the drawing canvas stays on top. The handle is a slider: drag it, or focus it and use the
// arrow keys (2%), Page Up / Page Down (10%), Home and End.
import { h } from "./dom";

export interface SplitView {
  show(split: boolean): void;
  position(): number;  // percent of the width shown as input
}

export function splitView(frame: HTMLElement, output: HTMLVideoElement, outputHome: HTMLElement,
  pair: HTMLElement): SplitView {
  let percent = 50;
  let split = false;
  const handle = h("div", { id: "split-handle", class: "split-handle", role: "slider", tabindex: "0",
    "aria-label": "Split between input (left) and magnified (right)", "aria-valuemin": "0", "aria-valuemax": "100",
    "aria-orientation": "horizontal" });
  const caption = h("p", { class: "split-caption", id: "split-caption" },
    h("span", {}, "◀ Input"), h("span", {}, "Magnified ▶"));

  const place = (next: number) => {
    percent = Math.max(0, Math.min(100, next));
    if (split) output.style.clipPath = `inset(0 0 0 ${percent}%)`;
    handle.style.left = `${percent}%`;
    handle.setAttribute("aria-valuenow", String(Math.round(percent)));
    handle.setAttribute("aria-valuetext", `${Math.round(percent)}% input, ${100 - Math.round(percent)}% magnified`);
  };
  const fromPointer = (event: PointerEvent) => {
    const box = frame.getBoundingClientRect();
    place((100 * (event.clientX - box.left)) / Math.max(1, box.width));
  };
  let dragging = false;
  handle.addEventListener("pointerdown", (event) => {
    dragging = true;
    handle.setPointerCapture(event.pointerId);
    event.preventDefault();
    handle.focus();
  });
  handle.addEventListener("pointermove", (event) => { if (dragging) fromPointer(event); });
  handle.addEventListener("pointerup", (event) => {
    if (!dragging) return;
    dragging = false;
    fromPointer(event);
  });
  handle.addEventListener("keydown", (event) => {
    const steps: Record<string, number> = { ArrowLeft: -2, ArrowDown: -2, ArrowRight: 2, ArrowUp: 2, PageDown: -10, PageUp: 10 };
    if (event.key in steps) place(percent + steps[event.key]);
    else if (event.key === "Home") place(0);
    else if (event.key === "End") place(100);
    else return;
    event.preventDefault();
  });
  place(percent);

  return {
    show(next) {
      if (next === split) return;
      split = next;
      pair.classList.toggle("split-mode", split);
      frame.classList.toggle("split", split);
      if (split) {
        const canvas = frame.querySelector("canvas.overlay");
        frame.insertBefore(output, canvas);
        output.classList.add("split-top");
        frame.append(handle);
        frame.after(caption);
        place(percent);
      } else {
        output.classList.remove("split-top");
        output.style.clipPath = "";
        outputHome.prepend(output);
        handle.remove();
        caption.remove();
      }
      outputHome.hidden = split;
    },
    position: () => percent,
  };
}
