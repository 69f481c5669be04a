// Updates a report run's (or an import run's) progress while it is worked on, and
// reloads the page when it is finished so its download link or preview appears. In a
// file, not inline, for the CSP.
const box = document.querySelector("[data-report-status-url]");

async function poll() {
  const response = await fetch(box.dataset.reportStatusUrl, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const run = await response.json();
  box.querySelector("[data-report-status]").textContent = run.status_label;
  box.querySelector("[data-report-stage]").textContent = run.stage || "waiting to start";
  const bar = box.querySelector("[data-report-progress]");
  bar.value = run.progress;
  bar.textContent = `${run.progress}%`;
  if (run.finished || run.status === "done" || run.status === "failed") {
    window.location.reload();
  } else {
    window.setTimeout(poll, 2000);
  }
}

if (box) window.setTimeout(poll, 2000);
