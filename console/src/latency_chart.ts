// The live page's latency per frame, drawn with uPlot: the browser's round trip, the service's
// latency and the engine's time for the last few hundred frames, redrawn at most once a frame
// of the display. A <figure> with a caption; the same figures are also written out as text.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

const KEPT = 300;

export interface LatencyChart {
  element: HTMLElement;
  add(sequence: number, roundTripMs: number, serviceMs: number, engineMs: number): void;
  clear(): void;
}

export function latencyChart(id: string): LatencyChart {
  const element = document.createElement("figure");
  element.className = "chart";
  element.id = id;
  const caption = document.createElement("figcaption");
  caption.textContent = "Latency per frame (ms)";
  const target = document.createElement("div");
  element.append(caption, target);
  const columns: number[][] = [[], [], [], []];
  const ms = (_u: uPlot, v: number | null) => (v == null ? "" : `${v.toFixed(1)} ms`);
  const plot = new uPlot({
    width: 560,
    height: 160,
    scales: { x: { time: false } },
    axes: [{ label: "frame" }, { label: "ms", size: 50 }],
    series: [
      { label: "frame" },
      { label: "round trip", stroke: "#1d3557", width: 1.5, value: ms },
      { label: "service", stroke: "#e76f51", width: 1.5, value: ms },
      { label: "engine", stroke: "#2a9d8f", width: 1.5, value: ms },
    ],
  }, columns as uPlot.AlignedData, target);
  let pending = false;
  return {
    element,
    add(sequence, roundTripMs, serviceMs, engineMs) {
      [sequence, roundTripMs, serviceMs, engineMs].forEach((v, i) => {
        columns[i].push(v);
        if (columns[i].length > KEPT) columns[i].shift();
      });
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        plot.setData(columns as uPlot.AlignedData);
      });
    },
    clear() {
      for (const column of columns) column.length = 0;
      plot.setData(columns as uPlot.AlignedData);
    },
  };
}
