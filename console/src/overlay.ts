// Drawing on the input frame: a canvas laid over the input <video> that turns a drag into a
// rectangle or a line in the video's own pixels, and shows what was drawn. The tool (regions to
// measure, or the line to slice) is chosen by the page; every shape can also be typed in, so
// the mouse is never the only way.
export type Tool = "region" | "line";
export interface Rect { name: string; x: number; y: number; width: number; height: number }
export interface Line { axis: "column" | "row"; position: number }

export interface Overlay {
  element: HTMLElement;  // the video with the canvas over it
  tool: Tool;
  regions: Rect[];
  line: Line | null;
  redraw(): void;
}

export function overlay(video: HTMLVideoElement, drawn: (tool: Tool, shape: Rect | Line) => void): Overlay {
  const canvas = document.createElement("canvas");
  canvas.className = "overlay";
  canvas.setAttribute("aria-hidden", "true");
  canvas.dataset.testid = "frame-overlay";
  const box = document.createElement("div");
  box.className = "drawable";
  box.append(video, canvas);
  const state: Overlay = { element: box, tool: "region", regions: [], line: null, redraw };

  const scale = () => ({
    sx: (video.videoWidth || canvas.clientWidth) / Math.max(1, canvas.clientWidth),
    sy: (video.videoHeight || canvas.clientHeight) / Math.max(1, canvas.clientHeight),
  });
  const toVideo = (event: PointerEvent) => {
    const r = canvas.getBoundingClientRect();
    const { sx, sy } = scale();
    return { x: (event.clientX - r.left) * sx, y: (event.clientY - r.top) * sy };
  };
  let start: { x: number; y: number } | null = null;
  let current: { x: number; y: number } | null = null;

  function redraw(): void {
    canvas.width = video.videoWidth || 320;
    canvas.height = video.videoHeight || 240;
    const g = canvas.getContext("2d")!;
    g.clearRect(0, 0, canvas.width, canvas.height);
    g.lineWidth = Math.max(1, canvas.width / 240);
    g.font = `${Math.max(8, Math.round(canvas.width / 20))}px system-ui, sans-serif`;
    g.strokeStyle = g.fillStyle = "#ffd60a";
    for (const r of state.regions) {
      g.strokeRect(r.x + 0.5, r.y + 0.5, r.width - 1, r.height - 1);
      g.fillText(r.name, r.x + 2, r.y + r.height - 3);
    }
    if (state.line) {
      g.strokeStyle = "#ff006e";
      g.beginPath();
      if (state.line.axis === "column") {
        g.moveTo(state.line.position + 0.5, 0);
        g.lineTo(state.line.position + 0.5, canvas.height);
      } else {
        g.moveTo(0, state.line.position + 0.5);
        g.lineTo(canvas.width, state.line.position + 0.5);
      }
      g.stroke();
    }
    if (start && current) {
      g.setLineDash([4, 3]);
      g.strokeStyle = "#ffffff";
      g.strokeRect(start.x, start.y, current.x - start.x, current.y - start.y);
      g.setLineDash([]);
    }
  }
  video.addEventListener("loadedmetadata", redraw);

  canvas.addEventListener("pointerdown", (event) => {
    canvas.setPointerCapture(event.pointerId);
    start = current = toVideo(event);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!start) return;
    current = toVideo(event);
    redraw();
  });
  canvas.addEventListener("pointerup", (event) => {
    if (!start) return;
    const end = toVideo(event);
    const from = start;
    start = current = null;
    const w = canvas.width, hgt = canvas.height;
    const clamp = (v: number, high: number) => Math.max(0, Math.min(high, Math.round(v)));
    if (state.tool === "line") {
      // Mostly across: a row (x-t slice); mostly down, or a click: a column (y-t slice).
      const across = Math.abs(end.x - from.x) > Math.abs(end.y - from.y);
      drawn("line", across ? { axis: "row", position: clamp(from.y, hgt - 1) }
        : { axis: "column", position: clamp(from.x, w - 1) });
    } else {
      const x = clamp(Math.min(from.x, end.x), w), y = clamp(Math.min(from.y, end.y), hgt);
      const width = clamp(Math.max(from.x, end.x), w) - x, height = clamp(Math.max(from.y, end.y), hgt) - y;
      if (width >= 4 && height >= 4) drawn("region", { name: "", x, y, width, height });
    }
    redraw();
  });
  return state;
}
