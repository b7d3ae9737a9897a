// How numbers read on the pages.
import { Job } from "./api";

export function percent(done: number, total: number): number {
  return total > 0 ? Math.min(100, Math.floor((100 * done) / total)) : 0;
}

export function duration(seconds: number): string {
  if (!(seconds > 0)) return "";
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.ceil(seconds - 60 * minutes)} s`;
}

export function bytes(count: number): string {
  if (count < 1024) return `${count} B`;
  if (count < 1 << 20) return `${(count / 1024).toFixed(1)} KiB`;
  if (count < 1 << 30) return `${(count / (1 << 20)).toFixed(1)} MiB`;
  return `${(count / (1 << 30)).toFixed(2)} GiB`;
}

export function stateLabel(state: string): string {
  return state.charAt(0) + state.slice(1).toLowerCase();
}

export function title(job: Job): string {
  return job.displayName || job.inputFilename || job.name;
}
