// The gateway's live routes (server/web/live_route.cc): a session opened with a LiveConfig,
// raw rgb24 frames sent and received magnified with their latencies, and its end. Errors are
// ApiError with the service's code and message, as for the other calls (api.ts).
import { ApiError, MagnifyParams, authHeaders, errorFrom } from "./api";

// proto/vmm/v1/magnification.proto LiveConfig, in proto3's JSON.
export interface LiveConfig {
  width: number;
  height: number;
  pixelFormat?: string;
  params: MagnifyParams;
  maxFramesInFlight?: number;
}

// LiveReady: the worker that took the session; int64 fields come as strings.
export interface LiveReady {
  sessionId: string;
  workerName: string;
  device: string;
  maxFramesInFlight: number;
  frameSizeBytes: string;
}

export interface LiveSession {
  id: string;
  ready: LiveReady;
}

// What came back for the frames of one request, in the order they were sent.
export interface LiveFrames {
  data: Uint8Array;          // the magnified frames back to back
  sequences: number[];
  latencySeconds: number[];  // the service's, from its receipt of a frame to its reply
  engineSeconds: number[];   // the worker's engine's
}

async function send(method: string, path: string, body?: BodyInit, type?: string): Promise<Response> {
  const headers: Record<string, string> = authHeaders();
  if (type) headers["Content-Type"] = type;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body, cache: "no-store" });
  } catch {
    throw new ApiError("UNAVAILABLE", "The server cannot be reached.", 0);
  }
  if (!response.ok) throw await errorFrom(response.status, await response.text());
  return response;
}

const numbers = (header: string | null): number[] =>
  header ? header.split(",").map(Number) : [];

const sessionPath = (id: string) => `/api/live/${encodeURIComponent(id)}`;

export const liveApi = {
  open: async (config: LiveConfig): Promise<LiveSession> =>
    (await send("POST", "/api/live", JSON.stringify(config), "application/json")).json() as Promise<LiveSession>,

  frames: async (id: string, bytes: Uint8Array): Promise<LiveFrames> => {
    const response = await send("POST", `${sessionPath(id)}/frames`, bytes as Uint8Array<ArrayBuffer>,
      "application/octet-stream");
    return {
      data: new Uint8Array(await response.arrayBuffer()),
      sequences: numbers(response.headers.get("X-Vmm-Sequences")),
      latencySeconds: numbers(response.headers.get("X-Vmm-Latency-Seconds")),
      engineSeconds: numbers(response.headers.get("X-Vmm-Engine-Seconds")),
    };
  },

  end: async (id: string): Promise<{ framesSent: number; framesReturned: number }> =>
    (await send("DELETE", sessionPath(id))).json() as Promise<{ framesSent: number; framesReturned: number }>,

  // For a page being left: the request outlives it (the gateway would drop the session after
  // its idle timeout anyway).
  endWhileLeaving: (id: string): void => {
    void fetch(sessionPath(id), { method: "DELETE", headers: authHeaders(), keepalive: true }).catch(() => {});
  },
};
