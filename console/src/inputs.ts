// The files this tab uploaded, by job name, as object URLs: the result page plays the input
// from the browser's own copy (the API returns results, not inputs).
const inputs = new Map<string, string>();

export function rememberInput(jobName: string, file: File): void {
  inputs.set(jobName, URL.createObjectURL(file));
}

export function inputUrl(jobName: string): string | undefined {
  return inputs.get(jobName);
}

export function setInputUrl(jobName: string, file: File): string {
  const old = inputs.get(jobName);
  if (old !== undefined) URL.revokeObjectURL(old);
  rememberInput(jobName, file);
  return inputs.get(jobName)!;
}
