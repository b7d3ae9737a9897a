// The jobs page: the upload form and the caller's jobs, newest first, with live progress, ETA
// and state (one Server-Sent Events watch per unfinished job), and cancel, delete, download.
import { ApiError, FINAL_STATES, Job, JobEvent, api, jobId } from "../api";
import { h, showError } from "../dom";
import { duration, percent, stateLabel, title } from "../format";
import { flagHelp } from "../help";
import { uploadForm } from "./upload_form";

export function jobsPage(page: HTMLElement): () => void {
  const watches = new Map<string, EventSource>();
  let alive = true;
  const listError = h("p", { id: "list-error", class: "error", role: "alert", hidden: true });
  const body = h("tbody", {});
  const table = h("table", { id: "jobs" },
    h("caption", {}, "Your jobs"),
    h("thead", {}, h("tr", {}, ...["Job", "State", "Progress", "ETA", "Actions"].map((t) => h("th", { scope: "col" }, t)))),
    body);
  const section = h("section", { class: "card", "aria-labelledby": "jobs-title" },
    h("h2", { id: "jobs-title" }, "Jobs"), listError, table);
  page.replaceChildren(h("h1", { class: "visually-hidden" }, "Jobs"));
  void flagHelp().then((help) => {
    if (alive) page.prepend(uploadForm(help, (job) => upsert(job, true)));
  });
  page.append(section);

  const rows = new Map<string, HTMLTableRowElement>();

  function render(row: HTMLTableRowElement, job: Job, event?: JobEvent): void {
    const id = jobId(job.name);
    const done = Number(event?.framesDone ?? job.framesDone);
    const total = Number(event?.framesTotal ?? job.framesTotal);
    const state = event?.state ?? job.state;
    const value = state === "SUCCEEDED" ? 100 : percent(done, total);
    const rowError = h("p", { class: "error", role: "alert", hidden: true });
    const act = (label: string, action: () => Promise<unknown>) => {
      const button = h("button", { type: "button", "aria-label": `${label} ${title(job)}` }, label);
      button.addEventListener("click", async () => {
        showError(rowError, "");
        try {
          await action();
        } catch (e) {
          showError(rowError, e instanceof ApiError ? `${e.message} (${e.code})` : String(e));
        }
      });
      return button;
    };
    const actions: Node[] = [h("a", { href: `#/jobs/${id}` }, "Open")];
    if (!FINAL_STATES.has(state)) actions.push(act("Cancel", async () => upsert(await api.cancelJob(id))));
    if (FINAL_STATES.has(state)) {
      actions.push(act("Delete", async () => {
        await api.deleteJob(id);
        rows.get(job.name)?.remove();
        rows.delete(job.name);
      }));
    }
    if (state === "SUCCEEDED") actions.push(h("a", { href: api.resultUrl(id, true), download: "" }, "Download"));
    row.dataset.state = state;
    row.replaceChildren(
      h("th", { scope: "row" }, h("a", { href: `#/jobs/${id}` }, title(job)), h("div", { class: "sub" }, id)),
      h("td", { class: "state" }, stateLabel(state), job.failureReason ? h("div", { class: "sub" }, job.failureReason) : null),
      h("td", {}, h("progress", { max: "100", value: String(value), "aria-label": `Progress of ${title(job)}` }),
        h("span", { class: "percent" }, ` ${value}%`), total > 0 ? h("div", { class: "sub" }, `${done} / ${total} frames`) : null),
      h("td", { class: "eta" }, event && !FINAL_STATES.has(state) ? duration(event.etaSeconds) : ""),
      h("td", { class: "actions" }, ...actions, rowError));
  }

  function watch(job: Job): void {
    if (watches.has(job.name) || FINAL_STATES.has(job.state)) return;
    const source = new EventSource(api.eventsUrl(jobId(job.name)));
    watches.set(job.name, source);
    source.onmessage = (message) => {
      const event = JSON.parse(message.data) as JobEvent;
      const row = rows.get(job.name);
      if (row && event.job) render(row, event.job, event);
    };
    source.addEventListener("end", () => { source.close(); watches.delete(job.name); });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        watches.delete(job.name);
        api.getJob(jobId(job.name)).then((j) => upsert(j)).catch((e) => showError(listError, String(e.message ?? e)));
      }
    };
  }

  function upsert(job: Job, first = false): void {
    let row = rows.get(job.name);
    if (row === undefined) {
      row = h("tr", {});
      rows.set(job.name, row);
      if (first) body.prepend(row);
      else body.append(row);
    }
    render(row, job);
    watch(job);
  }

  async function load(pageToken = ""): Promise<void> {
    try {
      const page = await api.listJobs(pageToken);
      for (const job of page.jobs ?? []) upsert(job);
      if (page.nextPageToken) {
        const more = h("button", { type: "button", id: "more" }, "More jobs");
        more.addEventListener("click", () => { more.remove(); void load(page.nextPageToken); });
        section.append(more);
      }
    } catch (e) {
      showError(listError, e instanceof ApiError ? `Cannot list jobs: ${e.message} (${e.code})` : String(e));
    }
  }
  void load();
  return () => {
    alive = false;
    for (const source of watches.values()) source.close();
  };
}
