// The JSON gateway of vmm-server (server/web/routes.h): typed calls, the token, and errors as
// ApiError carrying the service's code and message.
export interface MagnifyParams {
  method?: string;
  color?: boolean;
  mode?: string;
  alpha?: number;
  referenceFrame?: string;
  filter?: string;
  lowHz?: number;
  highHz?: number;
  sampleRateHz?: number;
  order?: number;
  taps?: number;
  noChromaLimit?: boolean;
}

export interface Job {
  name: string;
  displayName: string;
  params: MagnifyParams;
  outputFormat: string;
  state: string;
  owner: string;
  createTime?: string;
  framesDone: string;
  framesTotal: string;
  framesPerSecond: number;
  failureReason: string;
  inputFilename: string;
  inputSizeBytes: string;
  resultSizeBytes: string;
  analysis?: AnalysisSpec;
}

// JobSpec.analysis: a measurement job (proto/vmm/v1/magnification.proto AnalysisSpec).
export interface AnalysisRegion {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface AnalysisSpec {
  regions?: AnalysisRegion[];
  sampleRateHz?: number;
  maxPeaks?: number;
}

export interface JobEvent {
  name: string;
  state: string;
  framesDone: string;
  framesTotal: string;
  framesPerSecond: number;
  etaSeconds: number;
  message: string;
  job?: Job;
}

export interface JobSpec {
  displayName?: string;
  params?: MagnifyParams;
  outputFormat?: string;
  analysis?: AnalysisSpec;
  inputFilename: string;
  inputSizeBytes: string;
  inputSha256: string;
  uploadId: string;
  uploadOffset: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus: number,
  ) {
    super(message);
  }
}

const TOKEN_KEY = "vmm.token";

export function token(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? "";
}
export function setToken(value: string): void {
  if (value === "") sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, value);
}

export function authHeaders(tokenValue = token()): Record<string, string> {
  return tokenValue === "" ? {} : { Authorization: `Bearer ${tokenValue}` };
}

// For elements that fetch by themselves (<video>, EventSource, links): the token in the query.
export function withToken(path: string): string {
  const value = token();
  if (value === "") return path;
  return `${path}${path.includes("?") ? "&" : "?"}access_token=${encodeURIComponent(value)}`;
}

export async function errorFrom(status: number, text: string): Promise<ApiError> {
  try {
    const body = JSON.parse(text) as { code?: string; message?: string };
    return new ApiError(body.code ?? "UNKNOWN", body.message ?? text, status);
  } catch {
    return new ApiError("UNKNOWN", text || `HTTP ${status}`, status);
  }
}

async function call<T>(method: string, path: string, tokenValue?: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { method, headers: authHeaders(tokenValue) });
  } catch {
    throw new ApiError("UNAVAILABLE", "The server cannot be reached.", 0);
  }
  const text = await response.text();
  if (!response.ok) throw await errorFrom(response.status, text);
  return JSON.parse(text) as T;
}

export const jobId = (name: string): string => name.replace(/^jobs\//, "");

export const api = {
  config: () => call<{ authRequired: boolean; maxUploadBytes: number }>("GET", "/api/config"),
  listJobs: (pageToken = "", tokenValue?: string) =>
    call<{ jobs: Job[]; nextPageToken: string }>(
      "GET",
      `/api/jobs?pageSize=50&pageToken=${encodeURIComponent(pageToken)}`,
      tokenValue,
    ),
  getJob: (id: string) => call<Job>("GET", `/api/jobs/${encodeURIComponent(id)}`),
  cancelJob: (id: string) => call<Job>("POST", `/api/jobs/${encodeURIComponent(id)}:cancel`),
  deleteJob: (id: string) => call<object>("DELETE", `/api/jobs/${encodeURIComponent(id)}`),
  uploadOffset: (uploadId: string) =>
    call<{ offset: string; job: string }>("GET", `/api/uploads/${encodeURIComponent(uploadId)}`),
  result: async (id: string): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(`/api/jobs/${encodeURIComponent(id)}/result`, { headers: authHeaders() });
    } catch {
      throw new ApiError("UNAVAILABLE", "The server cannot be reached.", 0);
    }
    if (!response.ok) throw await errorFrom(response.status, await response.text());
    return response;
  },
  resultUrl: (id: string, download = false) =>
    withToken(`/api/jobs/${encodeURIComponent(id)}/result${download ? "?download=1" : ""}`),
  eventsUrl: (id: string) => withToken(`/api/jobs/${encodeURIComponent(id)}/events`),
  // The job's input as uploaded (DownloadResult with input), for a <video> or a fetch.
  inputUrl: (id: string, download = false) =>
    withToken(`/api/jobs/${encodeURIComponent(id)}/input${download ? "?download=1" : ""}`),
};

export const FINAL_STATES = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
