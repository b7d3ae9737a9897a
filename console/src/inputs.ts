// The inputs this tab holds, by job name, with an object URL each: the files it uploaded (or the
// user picked), and those fetched from the server (GET /api/jobs/{id}/input) when measuring or
// magnifying a job again needed the input as a File. The result page plays the tab's own copy
// when it has one and otherwise streams the server's (api.inputUrl).
import { ApiError, Job, api, errorFrom, jobId } from "./api";

const inputs = new Map<string, { file: File; url: string }>();

export function rememberInput(jobName: string, file: File): void {
  const old = inputs.get(jobName);
  if (old !== undefined) URL.revokeObjectURL(old.url);
  inputs.set(jobName, { file, url: URL.createObjectURL(file) });
}

export function inputUrl(jobName: string): string | undefined {
  return inputs.get(jobName)?.url;
}

export function inputFile(jobName: string): File | undefined {
  return inputs.get(jobName)?.file;
}

export function setInputUrl(jobName: string, file: File): string {
  rememberInput(jobName, file);
  return inputs.get(jobName)!.url;
}

// The job's input as a File: the tab's copy, else the server's, downloaded once and kept for the
// tab. Throws ApiError when the server has none (a server_path input is FAILED_PRECONDITION).
export async function loadInputFile(job: Job): Promise<File> {
  const held = inputFile(job.name);
  if (held !== undefined) return held;
  let response: Response;
  try {
    response = await fetch(api.inputUrl(jobId(job.name)));
  } catch {
    throw new ApiError("UNAVAILABLE", "The server cannot be reached.", 0);
  }
  if (!response.ok) throw await errorFrom(response.status, await response.text());
  const blob = await response.blob();
  const file = new File([blob], job.inputFilename || `${jobId(job.name)}-input`, { type: blob.type });
  rememberInput(job.name, file);
  return file;
}

// Why the server cannot play a job's input (its error, as text), or "" if it can.
export async function inputProblem(job: Job): Promise<string> {
  try {
    const response = await fetch(api.inputUrl(jobId(job.name)), { headers: { Range: "bytes=0-0" } });
    if (response.ok) return "";
    const e = await errorFrom(response.status, await response.text());
    return `${e.message} (${e.code})`;
  } catch {
    return "the server cannot be reached";
  }
}
