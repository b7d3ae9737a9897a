// Uploading a file as a job (a magnification, or with `extra.analysis` a measurement): its SHA-256 (read in slices, so a large file is never whole in
// memory), then the bytes to POST /api/jobs with the spec, with progress. The upload is
// resumable as the API's is: it carries an upload id, and when the connection breaks it asks
// the server how much it holds (GET /api/uploads/{id}) and sends only the rest.
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { ApiError, Job, JobSpec, MagnifyParams, api, authHeaders, errorFrom } from "./api";
import { bytes } from "./format";

const HASH_SLICE_BYTES = 4 << 20;
const MAX_RESUMES = 3;

export interface UploadProgress {
  phase: "checksum" | "upload";
  done: number;
  total: number;
}

export async function fileSha256(file: File, progress: (p: UploadProgress) => void): Promise<string> {
  const hash = sha256.create();
  for (let offset = 0; offset < file.size; offset += HASH_SLICE_BYTES) {
    const slice = await file.slice(offset, offset + HASH_SLICE_BYTES).arrayBuffer();
    hash.update(new Uint8Array(slice));
    progress({ phase: "checksum", done: Math.min(offset + HASH_SLICE_BYTES, file.size), total: file.size });
  }
  return bytesToHex(hash.digest());
}

// One POST of the file from `offset`. Rejects with ApiError; a broken connection is
// ApiError("UNAVAILABLE") with httpStatus 0.
function post(spec: JobSpec, file: File, offset: number, progress: (p: UploadProgress) => void): Promise<Job> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", `/api/jobs?spec=${encodeURIComponent(JSON.stringify(spec))}`);
    for (const [name, value] of Object.entries(authHeaders())) request.setRequestHeader(name, value);
    request.setRequestHeader("Content-Type", "application/octet-stream");
    request.upload.onprogress = (event) =>
      progress({ phase: "upload", done: offset + event.loaded, total: file.size });
    request.onload = async () => {
      if (request.status === 201) resolve(JSON.parse(request.responseText) as Job);
      else reject(await errorFrom(request.status, request.responseText));
    };
    request.onerror = () => reject(new ApiError("UNAVAILABLE", "The connection broke during the upload.", 0));
    request.send(file.slice(offset));
  });
}

export async function uploadJob(
  file: File,
  displayName: string,
  params: MagnifyParams,
  progress: (p: UploadProgress) => void,
  extra: Pick<JobSpec, "analysis" | "outputFormat"> = {},
): Promise<Job> {
  const { maxUploadBytes } = await api.config();
  if (file.size > maxUploadBytes) {
    throw new ApiError("RESOURCE_EXHAUSTED",
      `${file.name} is ${bytes(file.size)}; this server takes files up to ${bytes(maxUploadBytes)}.`, 429);
  }
  const spec: JobSpec = {
    displayName,
    params,
    ...extra,
    inputFilename: file.name,
    inputSizeBytes: String(file.size),
    inputSha256: await fileSha256(file, progress),
    uploadId: crypto.randomUUID(),
    uploadOffset: "0",
  };
  let offset = 0;
  for (let attempt = 0; ; ++attempt) {
    try {
      return await post({ ...spec, uploadOffset: String(offset) }, file, offset, progress);
    } catch (error) {
      if (!(error instanceof ApiError) || error.httpStatus !== 0 || attempt >= MAX_RESUMES) throw error;
      await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
      const held = await api.uploadOffset(spec.uploadId).catch(() => ({ offset: "0", job: "" }));
      if (held.job !== "") return api.getJob(held.job.replace(/^jobs\//, ""));
      offset = Number(held.offset);
    }
  }
}
