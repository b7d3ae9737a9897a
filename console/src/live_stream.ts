// The live page's loop: takes a frame of the source <video> (camera or file) at the chosen rate,
// scaled to the session's size, sends it as rgb24 through the gateway with at most
// `maxInFlight` frames unanswered (a frame due while that many are is skipped, so the shown
// video stays current), and hands each magnified frame back with the input it came from and its
// latencies. One frame per request; requests overlap, so the round trip is hidden.
import { liveApi } from "./live_api";

export interface ShownFrame {
  sequence: number;
  input: ImageData;
  output: ImageData;
  roundTripMs: number;  // the browser's: from taking the frame to having it back
  serviceMs: number;    // the service's: from its receipt of the frame to its reply
  engineMs: number;     // the worker's engine's
}

export interface StreamCounts {
  sent: number;
  received: number;
  skipped: number;
  framesPerSecond: number;  // magnified frames received over the last second
}

export interface StreamOptions {
  id: string;
  width: number;
  height: number;
  maxInFlight: number;
  rateHz: number;
  shown: (frame: ShownFrame, counts: StreamCounts) => void;
  failed: (error: unknown) => void;
}

function toRgb(rgba: Uint8ClampedArray): Uint8Array {
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i];
    rgb[j + 1] = rgba[i + 1];
    rgb[j + 2] = rgba[i + 2];
  }
  return rgb;
}

function toImage(rgb: Uint8Array, width: number, height: number): ImageData {
  const image = new ImageData(width, height);
  const rgba = image.data;
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgba[i] = rgb[j];
    rgba[i + 1] = rgb[j + 1];
    rgba[i + 2] = rgb[j + 2];
    rgba[i + 3] = 255;
  }
  return image;
}

export class LiveStream {
  private readonly grab: CanvasRenderingContext2D;
  private timer = 0;
  private inFlight = 0;
  private stopped = false;
  private lastShown = -1;
  private readonly arrivals: number[] = [];
  private readonly counts: StreamCounts = { sent: 0, received: 0, skipped: 0, framesPerSecond: 0 };
  private drained: (() => void) | null = null;

  constructor(private readonly source: HTMLVideoElement, private readonly options: StreamOptions) {
    const canvas = document.createElement("canvas");
    canvas.width = options.width;
    canvas.height = options.height;
    this.grab = canvas.getContext("2d", { willReadFrequently: true })!;
  }

  start(): void {
    this.timer = window.setInterval(() => this.tick(), 1000 / this.options.rateHz);
  }

  // Stops taking frames and waits for those in flight (their results are still shown).
  async stop(): Promise<void> {
    this.stopped = true;
    window.clearInterval(this.timer);
    if (this.inFlight > 0) await new Promise<void>((resolve) => { this.drained = resolve; });
  }

  private tick(): void {
    if (this.stopped || this.source.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) return;
    if (this.inFlight >= this.options.maxInFlight) {
      this.counts.skipped += 1;
      return;
    }
    const { width, height } = this.options;
    this.grab.drawImage(this.source, 0, 0, width, height);
    const input = this.grab.getImageData(0, 0, width, height);
    const taken = performance.now();
    this.inFlight += 1;
    this.counts.sent += 1;
    liveApi.frames(this.options.id, toRgb(input.data))
      .then((back) => this.received(input, back.data, back.sequences[0] ?? 0, taken,
        back.latencySeconds[0] ?? 0, back.engineSeconds[0] ?? 0))
      .catch((error) => {
        if (!this.stopped) {
          this.stopped = true;
          window.clearInterval(this.timer);
          this.options.failed(error);
        }
      })
      .finally(() => {
        this.inFlight -= 1;
        if (this.inFlight === 0 && this.drained) this.drained();
      });
  }

  private received(input: ImageData, data: Uint8Array, sequence: number, taken: number,
    serviceSeconds: number, engineSeconds: number): void {
    const now = performance.now();
    this.counts.received += 1;
    this.arrivals.push(now);
    while (this.arrivals.length > 0 && this.arrivals[0] < now - 1000) this.arrivals.shift();
    this.counts.framesPerSecond = this.arrivals.length;
    if (sequence <= this.lastShown) return;  // an older frame's reply overtaken by a newer one
    this.lastShown = sequence;
    this.options.shown({
      sequence,
      input,
      output: toImage(data, this.options.width, this.options.height),
      roundTripMs: now - taken,
      serviceMs: serviceSeconds * 1000,
      engineMs: engineSeconds * 1000,
    }, { ...this.counts });
  }
}
