// The measurement's charts, drawn with uPlot: an amplitude spectrum with the report's peaks
// marked and a pass band that the user drags (or that a chosen peak sets), and a displacement
// waveform. Each chart is a <figure> with a caption; the band is also typed in the band form,
// so the mouse is never the only way.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface MarkedPeak { frequencyHz: number; amplitudePx: number }
export interface Band { lowHz: number; highHz: number }

export interface SpectrumChart {
  element: HTMLElement;
  showBand(band: Band | null): void;
}

const WIDTH = 560;
const HEIGHT = 220;

function figure(id: string, caption: string): { element: HTMLElement; target: HTMLElement } {
  const element = document.createElement("figure");
  element.className = "chart";
  element.id = id;
  const target = document.createElement("div");
  const text = document.createElement("figcaption");
  text.textContent = caption;
  element.append(text, target);
  return { element, target };
}

// `frequency` and `amplitude` may be empty (the whole frame: the report holds its peaks and
// noise floor only); then `floorPx` is drawn as a line from 0 to nyquistHz.
export function spectrumChart(id: string, caption: string, frequency: number[], amplitude: number[],
  peaks: MarkedPeak[], nyquistHz: number, floorPx: number, dragged: (band: Band) => void): SpectrumChart {
  const { element, target } = figure(id, caption);
  const xs = frequency.length > 0 ? frequency : [0, nyquistHz];
  const ys = frequency.length > 0 ? amplitude : [floorPx, floorPx];
  const top = Math.max(floorPx, ...ys, ...peaks.map((p) => p.amplitudePx)) * 1.15 || 1;
  let band: Band | null = null;
  const markPeaks = (u: uPlot) => {
    const g = u.ctx;
    const ratio = devicePixelRatio || 1;
    g.save();
    if (band) {
      const left = u.valToPos(band.lowHz, "x", true), right = u.valToPos(band.highHz, "x", true);
      g.fillStyle = "rgba(244, 162, 97, 0.30)";
      g.fillRect(left, u.bbox.top, right - left, u.bbox.height);
    }
    g.fillStyle = g.strokeStyle = "#a4161a";
    g.lineWidth = 1.5 * ratio;
    g.font = `${12 * ratio}px system-ui, sans-serif`;
    for (const p of peaks) {
      const x = u.valToPos(p.frequencyHz, "x", true), y = u.valToPos(p.amplitudePx, "y", true);
      if (frequency.length === 0) {  // a stem from the axis
        g.beginPath();
        g.moveTo(x, u.valToPos(0, "y", true));
        g.lineTo(x, y);
        g.stroke();
      }
      g.beginPath();
      g.moveTo(x, y - 2 * ratio);
      g.lineTo(x - 5 * ratio, y - 11 * ratio);
      g.lineTo(x + 5 * ratio, y - 11 * ratio);
      g.closePath();
      g.fill();
      g.fillText(`${p.frequencyHz.toPrecision(3)} Hz`, x + 7 * ratio, y - 4 * ratio);
    }
    g.restore();
  };
  const plot = new uPlot({
    width: WIDTH,
    height: HEIGHT,
    scales: { x: { time: false, range: [0, nyquistHz] }, y: { range: [0, top] } },
    axes: [{ label: "frequency (Hz)" }, { label: "amplitude (px)", size: 60 }],
    series: [
      { label: "Hz", value: (_u, v) => (v == null ? "" : v.toFixed(2)) },
      frequency.length > 0
        ? { label: "amplitude (px)", stroke: "#1d3557", width: 1.5, value: (_u, v) => (v == null ? "" : v.toFixed(4)) }
        : { label: "noise floor (px)", stroke: "#6c757d", dash: [6, 4], width: 1 },
    ],
    cursor: { drag: { x: true, y: false, setScale: false } },
    hooks: {
      draw: [markPeaks],
      setSelect: [(u) => {
        if (u.select.width < 2) return;
        const lowHz = u.posToVal(u.select.left, "x"), highHz = u.posToVal(u.select.left + u.select.width, "x");
        u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        dragged({ lowHz: Math.max(0, lowHz), highHz: Math.min(nyquistHz, highHz) });
      }],
    },
  }, [xs, ys], target);
  return {
    element,
    showBand(next) {
      band = next;
      plot.redraw(false);
    },
  };
}

export function waveformChart(id: string, caption: string, sampleRateHz: number, x: number[], y: number[]): HTMLElement {
  const { element, target } = figure(id, caption);
  const time = x.map((_, i) => i / sampleRateHz);
  new uPlot({
    width: WIDTH,
    height: HEIGHT,
    scales: { x: { time: false } },
    axes: [{ label: "time (s)" }, { label: "displacement (px)", size: 60 }],
    series: [
      { label: "s", value: (_u, v) => (v == null ? "" : v.toFixed(3)) },
      { label: "x (px)", stroke: "#1d3557", width: 1.5, value: (_u, v) => (v == null ? "" : v.toFixed(4)) },
      { label: "y (px)", stroke: "#e76f51", width: 1.5, value: (_u, v) => (v == null ? "" : v.toFixed(4)) },
    ],
  }, [time, x, y], target);
  return element;
}
