// The files this tab uploaded, by job name, with an object URL each: the result page plays the
// input from the browser's own copy (the API returns results, not inputs), and measuring or
// magnifying it again uploads the same file.
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
