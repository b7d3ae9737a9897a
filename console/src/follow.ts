// Following a job to its final state over Server-Sent Events (GET /api/jobs/{id}/events), with
// each event's progress passed on. Resolves with the final job; rejects with ApiError when the
// job cannot be read, or with an Error when the events stop before a final state.
import { ApiError, FINAL_STATES, Job, JobEvent, api, jobId } from "./api";

export function followJob(job: Job, progress: (job: Job, event?: JobEvent) => void): Promise<Job> {
  const id = jobId(job.name);
  progress(job);
  if (FINAL_STATES.has(job.state)) return Promise.resolve(job);
  return new Promise((resolve, reject) => {
    const source = new EventSource(api.eventsUrl(id));
    let last = job;
    source.onmessage = (m) => {
      const event = JSON.parse(m.data) as JobEvent;
      if (event.job) last = event.job;
      progress(last, event);
      if (FINAL_STATES.has(event.state)) {
        source.close();
        api.getJob(id).then(resolve, reject);
      }
    };
    const settle = () => {
      source.close();
      // The watch ended or broke: the stored job says where it stands.
      api.getJob(id).then((j) => (FINAL_STATES.has(j.state) ? resolve(j) : followJob(j, progress).then(resolve, reject)),
        (e) => reject(e instanceof ApiError ? e : new Error(String(e))));
    };
    source.addEventListener("end", settle);
    source.onerror = () => { if (source.readyState === EventSource.CLOSED) settle(); };
  });
}
