// The console in a real browser: Playwright (playwright-core) driving Debian's Chromium,
// headless, against a real vmm-server with its local worker on loopback. Signs in (a wrong token
// first, which must be refused with a visible error), uploads a generated clip, sees its
// progress reach 100%, plays the input and the magnified video side by side, then in the split
// view drags the handle (and moves it by keyboard); downloads the result (and reads a byte range,
// as <video> does); draws a region on the input frame and measures the motion (the region's
// strongest peak within two bins of the clip's 2 Hz sway), drags a band on its spectrum, takes
// the peak's band and magnifies it as a temporal job to SUCCEEDED; draws a line and gets the
// input's and the magnified video's slices. In a fresh tab that did not upload it, the input
// plays from the server (/api/jobs/{id}/input) and a measurement uploads it from there (and, where
// the server cannot serve it, the file is asked for). On the live page, with Chromium's fake camera: a
// config the service refuses shows its message at the form; riesz at 320x240 brings magnified
// frames back with their latency and frames per second, and Stop (by keyboard) ends the session
// with every frame answered. Saves a screenshot of each page to $VMM_SCREENSHOT_DIR, and with
// VMM_UPDATE_SCREENSHOTS=1 the README's eight into docs/console/ of the source tree. Exits 77
// (ctest's skip) only when Chromium is missing.
//
// Environment (tests/console/CMakeLists.txt): VMM_SERVER_BINARY, VMM_WORKER_BINARY,
// VMM_CONSOLE_DIST, VMM_CONSOLE_NODE_MODULES, VMM_SCREENSHOT_DIR; VMM_UPDATE_SCREENSHOTS.
import { spawn, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const CHROMIUM = "/usr/bin/chromium";
if (!fs.existsSync(CHROMIUM)) {
  console.log(`SKIP: ${CHROMIUM} is missing (Debian package chromium)`);
  process.exit(77);
}
const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const require = createRequire(path.join(env("VMM_CONSOLE_NODE_MODULES"), "..", "package.json"));
const { chromium } = require("playwright-core");

let passed = 0;
function check(condition, what) {
  if (!condition) throw new Error(`FAILED: ${what}`);
  passed += 1;
  console.log(`ok ${passed} - ${what}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what, probe, seconds) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const TOKEN = "alice-console-token-0123456789";
const folder = fs.mkdtempSync(path.join(os.tmpdir(), "vmm-console-test-"));
const screenshots = env("VMM_SCREENSHOT_DIR");
fs.mkdirSync(screenshots, { recursive: true });
for (const old of fs.readdirSync(screenshots)) {
  if (old.endsWith(".png")) fs.rmSync(path.join(screenshots, old));
}
fs.writeFileSync(path.join(folder, "tokens"), `${TOKEN} alice\n`);
// The README's screenshots (docs/console/), rewritten only when asked, so a test run leaves the
// source tree as it was.
const docs = process.env.VMM_UPDATE_SCREENSHOTS === "1"
  ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "console") : "";
async function screenshot(page, name, docsName) {
  await page.screenshot({ path: path.join(screenshots, `${name}.png`) });
  if (docs && docsName) {
    // A 256-colour palette (ffmpeg's palettegen), so each stays small in the repository.
    fs.mkdirSync(docs, { recursive: true });
    const file = path.join(docs, `${docsName}.png`);
    execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", path.join(screenshots, `${name}.png`),
      "-vf", "split[a][b];[a]palettegen=max_colors=256:stats_mode=full[p];[b][p]paletteuse=dither=bayer:bayer_scale=3",
      "-pred", "mixed", file]);
    console.log(`# ${file}: ${fs.statSync(file).size} bytes`);
  }
}

// A short clip: 160x120, 48 frames at 24 fps, a still test pattern (testsrc2's first frame)
// rotating by +-0.003 rad at 2 Hz, so its corners sway by about 0.3 px: spectrum bins of 0.5 Hz,
// the sway in bin 4.
const FRAMES = 48, FPS = 24, SWAY_HZ = 2;
const BIN_HZ = FPS / FRAMES;
const clip = path.join(folder, "sway.mp4");
execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
  `testsrc2=size=160x120:rate=${FPS},trim=end_frame=1,loop=loop=${FRAMES - 1}:size=1:start=0,` +
  `setpts=N/${FPS}/TB,rotate='0.003*sin(2*PI*${SWAY_HZ}*t)':ow=iw:oh=ih:bilinear=1`,
  "-frames:v", String(FRAMES), "-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p", clip]);

// Drags on `locator` from (x0, y0) to (x1, y1), in fractions of its box.
async function drag(page, locator, x0, y0, x1, y1) {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  await page.mouse.move(box.x + x0 * box.width, box.y + y0 * box.height);
  await page.mouse.down();
  await page.mouse.move(box.x + ((x0 + x1) / 2) * box.width, box.y + ((y0 + y1) / 2) * box.height, { steps: 4 });
  await page.mouse.move(box.x + x1 * box.width, box.y + y1 * box.height, { steps: 4 });
  await page.mouse.up();
}

const webPort = await freePort();
const log = fs.openSync(path.join(folder, "server.log"), "w");
const server = spawn(env("VMM_SERVER_BINARY"), [
  "--listen=127.0.0.1", "--port=0", `--port-file=${folder}/port`, "--metrics-port=-1",
  `--data-dir=${folder}/data`, `--tokens=${folder}/tokens`, `--web-port=${webPort}`,
  `--console-dir=${env("VMM_CONSOLE_DIST")}`, "--local-workers=1",
  `--worker-binary=${env("VMM_WORKER_BINARY")}`, "--worker-metrics-port=-1",
  "--worker-arg=--threads=1", "--worker-arg=--shutdown-grace=1", `--worker-arg=--work-dir=${folder}`,
], { stdio: ["ignore", log, log] });
const base = `http://127.0.0.1:${webPort}`;
let context;
let failed = false;
try {
  await waitFor("the web console", async () => (await fetch(`${base}/api/config`)).ok, 60);
  context = await chromium.launchPersistentContext(path.join(folder, "chromium-profile"), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--autoplay-policy=no-user-gesture-required",
      // The live page's camera: Chromium's own test pattern, allowed without asking.
      "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (error) => console.log(`page error: ${error.message}`));
  await page.goto(base);

  // Sign in: a wrong token is refused where it was typed.
  await page.locator("#token").waitFor();
  check(await page.locator("h1", { hasText: "Sign in" }).isVisible(), "the sign-in page shows first");
  await screenshot(page, "1-sign-in", "sign-in");
  await page.fill("#token", "not-a-token");
  await page.keyboard.press("Enter");
  const refused = page.locator("#token-error");
  await refused.waitFor({ state: "visible" });
  const refusal = await refused.textContent();
  check(refusal.includes("UNAUTHENTICATED"), `a wrong token is refused visibly: "${refusal}"`);
  await screenshot(page, "2-wrong-token");
  await page.fill("#token", TOKEN);
  await page.keyboard.press("Enter");
  await page.locator("#upload-form").waitFor();
  check(await page.locator("#sign-out").isVisible(), "signed in with the right token");

  // The CLI's own help text beside the fields.
  const alphaHelp = await page.locator("#alpha-help").textContent();
  check(alphaHelp.includes("Total magnification factor"), `alpha's help is the CLI's: "${alphaHelp}"`);
  await screenshot(page, "2-upload-form", "upload-form");

  // Parameters the service refuses: its message, shown at the form.
  await page.setInputFiles("#file", clip);
  await page.fill("#alpha", "20000");
  await page.click("#upload-form button[type=submit]");
  const uploadError = page.locator("#upload-error");
  await uploadError.waitFor({ state: "visible", timeout: 30000 });
  const uploadRefusal = await uploadError.textContent();
  check(uploadRefusal.includes("INVALID_ARGUMENT") && uploadRefusal.includes("alpha"),
    `refused parameters are shown at the form: "${uploadRefusal}"`);
  await screenshot(page, "3-upload-refused");

  // Upload with progress, then watch the job reach 100%.
  await page.setInputFiles("#file", clip);
  await page.fill("#display-name", "sway test");
  await page.fill("#alpha", "8");
  await page.click("#upload-form button[type=submit]");
  const row = page.locator("#jobs tbody tr", { hasText: "sway test" });
  await row.waitFor({ timeout: 60000 });
  check(/Uploaded sway\.mp4/.test(await page.locator("#upload-status").textContent()), "the upload finished");
  await screenshot(page, "4-jobs-running");
  await row.locator("td.state", { hasText: "Succeeded" }).waitFor({ timeout: 240000 });
  check((await row.locator(".percent").textContent()).trim() === "100%", "progress reached 100%");
  check((await row.textContent()).includes(`${FRAMES} / ${FRAMES} frames`), "every frame was magnified");
  await screenshot(page, "5-jobs-done", "jobs");

  // The result page: both videos play, side by side.
  await row.locator("a", { hasText: "Open" }).click();
  const input = page.locator("#input-video");
  const output = page.locator("#result-video");
  await output.waitFor();
  check((await input.getAttribute("src")).startsWith("blob:"), "the input plays from the browser's own file");
  await waitFor("both videos to load", () => page.evaluate(() =>
    document.querySelector("#input-video").readyState >= 2 &&
    document.querySelector("#result-video").readyState >= 2), 30);
  await page.click("#play");
  await waitFor("both videos to play", () => page.evaluate(() =>
    document.querySelector("#input-video").currentTime > 0.2 &&
    document.querySelector("#result-video").currentTime > 0.2), 30);
  const times = await page.evaluate(() => [document.querySelector("#input-video").currentTime,
    document.querySelector("#result-video").currentTime]);
  check(Math.abs(times[0] - times[1]) < 0.3, `the videos play in sync (${times[0].toFixed(2)} s, ${times[1].toFixed(2)} s)`);
  await page.click("#play");  // pause
  await page.locator("#scrubber").fill("12");
  const frameText = await page.locator("#frame-label").textContent();
  check(frameText === `Frame 13 of ${FRAMES}`, `the scrubber moves to a frame: "${frameText}"`);
  await screenshot(page, "6-result", "result");

  // The split view: the same two videos in one frame, the handle dragged, then moved by keys.
  await page.check("#view-split");
  const handle = page.locator("#split-handle");
  await handle.waitFor();
  check(await page.locator("#result-video").evaluate((v) => v.closest(".drawable") !== null) &&
    await handle.getAttribute("aria-valuenow") === "50", "the split view lays the magnified video over the input, split at 50%");
  const splitBox = await page.locator(".drawable.split").boundingBox();
  const handleBox = await handle.boundingBox();
  await page.mouse.move(handleBox.x + handleBox.width / 2, handleBox.y + handleBox.height / 2);
  await page.mouse.down();
  await page.mouse.move(splitBox.x + 0.4 * splitBox.width, handleBox.y + handleBox.height / 2, { steps: 4 });
  await page.mouse.move(splitBox.x + 0.25 * splitBox.width, handleBox.y + handleBox.height / 2, { steps: 4 });
  await page.mouse.up();
  const dragTo = Number(await handle.getAttribute("aria-valuenow"));
  const splitClip = await page.locator("#result-video").evaluate((v) => v.style.clipPath);
  check(Math.abs(dragTo - 25) <= 2 && /inset\(0(px)? 0(px)? 0(px)? 2\d(\.\d+)?%\)/.test(splitClip),
    `dragging the handle moves the split: ${dragTo}%, ${splitClip}`);
  await handle.focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  check(Number(await handle.getAttribute("aria-valuenow")) === dragTo + 4, "the arrow keys move the handle too");
  await page.locator("#scrubber").fill("30");
  const splitTimes = await page.evaluate(() => [document.querySelector("#input-video").currentTime,
    document.querySelector("#result-video").currentTime]);
  check(Math.abs(splitTimes[0] - splitTimes[1]) < 0.05, `both videos follow the scrubber in the split view (${splitTimes.map((t) => t.toFixed(2)).join(" s, ")} s)`);
  await page.evaluate(() => document.querySelector("#view").scrollIntoView({ block: "start" }));
  await screenshot(page, "6-result-split", "result-split");
  await page.check("#view-side");
  check(await page.locator("#split-handle").count() === 0 &&
    await page.locator("#result-video").evaluate((v) => v.closest(".drawable") === null && v.style.clipPath === ""),
    "side by side again: the magnified video back in its own figure");

  // Download: the whole result, an MP4 of the job's size; and a byte range as <video> asks.
  const jobName = await page.evaluate(() => location.hash.replace("#/jobs/", ""));
  const job = await (await fetch(`${base}/api/jobs/${jobName}`,
    { headers: { Authorization: `Bearer ${TOKEN}` } })).json();
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
  const saved = path.join(folder, "downloaded.mp4");
  await download.saveAs(saved);
  const bytes = fs.readFileSync(saved);
  check(bytes.length === Number(job.resultSizeBytes) && bytes.length > 1000,
    `the download is the whole result (${bytes.length} bytes)`);
  check(bytes.subarray(4, 8).toString() === "ftyp", "the download is an MP4");
  const range = await fetch(`${base}/api/jobs/${jobName}/result?access_token=${TOKEN}`,
    { headers: { Range: "bytes=100-199" } });
  const part = Buffer.from(await range.arrayBuffer());
  check(range.status === 206 && part.equals(bytes.subarray(100, 200)), "a byte range is served (206)");
  const anonymous = await fetch(`${base}/api/jobs/${jobName}/result`);
  check(anonymous.status === 401 && (await anonymous.json()).code === "UNAUTHENTICATED",
    "the result is refused without a token (401)");

  // Measure motion: a region drawn on the input frame's top-left corner (video pixels about
  // 4..60 x 4..32 of 160x120), far from the centre of rotation.
  const frameOverlay = page.locator(".overlay");
  await drag(page, frameOverlay, 4 / 160, 4 / 120, 60 / 160, 32 / 120);
  const drawnRegion = (await page.locator("#region-list li").first().textContent()) ?? "";
  const regionMatch = /^r1: x (\d+), y (\d+), (\d+) × (\d+) px/.exec(drawnRegion);
  check(regionMatch && Math.abs(Number(regionMatch[1]) - 4) <= 2 && Math.abs(Number(regionMatch[3]) - 56) <= 3,
    `a region drawn on the frame is listed in video pixels: "${drawnRegion.trim()}"`);
  // One more, typed in, then removed: the keyboard's way.
  for (const [id, value] of [["#region-x", "100"], ["#region-y", "80"], ["#region-width", "40"], ["#region-height", "30"]]) {
    await page.fill(id, value);
  }
  await page.click("#add-region");
  check(await page.locator("#region-list li", { hasText: "r2: x 100, y 80, 40 × 30 px" }).count() === 1,
    "a region typed in is listed");
  await page.click("#region-list button[aria-label='Remove region r2']");
  check(await page.locator("#region-list li").count() === 1, "a region can be removed");
  await page.click("#measure");
  const spectrum = page.locator("#spectrum-0 canvas");
  await spectrum.first().waitFor({ timeout: 240000 });
  const peaks = await page.locator("#peaks-region-0 li[data-frequency]").evaluateAll((items) =>
    items.map((li) => Number(li.getAttribute("data-frequency"))));
  check(peaks.length >= 1 && Math.abs(peaks[0] - SWAY_HZ) <= 2 * BIN_HZ,
    `the region's strongest peak is within two bins of the ${SWAY_HZ} Hz sway: ${peaks.join(", ")} Hz`);
  check(await page.locator("#spectrum-frame canvas").count() >= 1 && await page.locator("#waveform-0 canvas").count() >= 1,
    "the whole frame's chart and the region's displacement are drawn");
  const frameCaption = await page.locator("#spectrum-frame figcaption").textContent();
  check(frameCaption.includes("amplitude spectrum"),
    `the whole frame's chart is the report's spectrum, not its peaks alone: "${frameCaption}"`);
  // Drag a band on the spectrum: 0 .. fs/2 = 12 Hz across the plotting area.
  await drag(page, page.locator("#spectrum-0 .u-over"), 1.5 / 12, 0.5, 2.5 / 12, 0.5);
  const dragged = [Number(await page.inputValue("#band-fl")), Number(await page.inputValue("#band-fh"))];
  check(Math.abs(dragged[0] - 1.5) < 0.3 && Math.abs(dragged[1] - 2.5) < 0.3,
    `a band dragged on the spectrum fills fl and fh: ${dragged.join(" - ")} Hz`);
  // The peak's suggested band, by keyboard.
  await page.locator("#peaks-region-0 button.use-peak").first().focus();
  await page.keyboard.press("Enter");
  const band = [Number(await page.inputValue("#band-fl")), Number(await page.inputValue("#band-fh"))];
  check(band[0] < peaks[0] && peaks[0] < band[1] && Math.abs(band[0] - peaks[0] / 1.25) < 0.02,
    `the peak's band fills fl and fh: ${band.join(" - ")} Hz around ${peaks[0]} Hz`);
  check(Number(await page.inputValue("#band-fs")) === FPS, "fs is the measured rate");
  await page.locator("#spectrum-0").scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -120));
  await screenshot(page, "7-measure", "measure");
  await page.click("#magnify-band");
  await page.waitForFunction((old) => location.hash !== `#/jobs/${old}` && location.hash.startsWith("#/jobs/"), jobName);
  const temporalName = await page.evaluate(() => location.hash.replace("#/jobs/", ""));
  await page.locator("#job-state", { hasText: "Succeeded" }).waitFor({ timeout: 240000 });
  const temporal = await (await fetch(`${base}/api/jobs/${temporalName}`,
    { headers: { Authorization: `Bearer ${TOKEN}` } })).json();
  check(temporal.state === "SUCCEEDED" && temporal.params.mode === "MODE_TEMPORAL" &&
    Math.abs(temporal.params.lowHz - band[0]) < 1e-9 && Math.abs(temporal.params.highHz - band[1]) < 1e-9 &&
    temporal.params.sampleRateHz === FPS,
    `the band was magnified as a temporal job that succeeded (${temporal.params.lowHz} - ${temporal.params.highHz} Hz)`);

  // The slice at a drawn line: column 40, drawn downwards on the new job's input frame.
  await page.locator("#result-video").waitFor();
  await waitFor("the input to load", () => page.evaluate(() => document.querySelector("#input-video").readyState >= 1), 30);
  await page.check("#tool-line");
  await drag(page, page.locator(".overlay"), 40.5 / 160, 10 / 120, 40.5 / 160, 100 / 120);
  await page.locator("#slice-magnified").waitFor({ timeout: 120000 });
  check(await page.inputValue("#slice-axis") === "column" && Math.abs(Number(await page.inputValue("#slice-position")) - 40) <= 1,
    "a line drawn downwards is a column");
  const slices = await page.evaluate(() => ["#slice-input", "#slice-magnified"].map((id) => {
    const canvas = document.querySelector(id);
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let sum = 0, squares = 0;
    for (let i = 0; i < data.length; i += 4) { sum += data[i + 1]; squares += data[i + 1] * data[i + 1]; }
    const n = data.length / 4;
    return { width: canvas.width, height: canvas.height, deviation: Math.sqrt(squares / n - (sum / n) ** 2) };
  }));
  check(slices.every((s) => s.width === FRAMES && s.height === 120),
    `each slice has a column per frame and a row per pixel of the line: ${slices.map((s) => `${s.width}x${s.height}`).join(", ")}`);
  check(slices.every((s) => s.deviation > 10), `neither slice is blank (deviation ${slices.map((s) => s.deviation.toFixed(1)).join(", ")})`);
  check(await page.locator("#slice-panel .time-axis text", { hasText: "time (s)" }).count() === 2, "each slice has a time axis");
  await page.locator("#slice-panel").scrollIntoViewIfNeeded();
  await screenshot(page, "8-slice", "slice");

  // The measurement job's own page, opened from the list: its report's charts.
  await page.click("a.brand");
  const measurementRow = page.locator("#jobs tbody tr", { hasText: "(measurement)" });
  await measurementRow.locator("a", { hasText: "Open" }).click();
  await page.locator("#spectrum-0 canvas").first().waitFor({ timeout: 30000 });
  check(await page.locator("#peaks-region-0 li[data-frequency]").count() === peaks.length && await page.locator("#band-form").count() === 1,
    "a measurement job's page shows its report's spectrum, peaks and band form");

  // A tab that did not upload the input (a fresh page, signed in anew): the input plays from the
  // server's copy (GET /api/jobs/{id}/input), byte for byte the uploaded file, without asking for
  // the file; measuring fetches it from there and uploads the same bytes.
  const served = await fetch(`${base}/api/jobs/${jobName}/input`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  const servedBytes = Buffer.from(await served.arrayBuffer());
  check(served.status === 200 && served.headers.get("content-type") === "video/mp4" && servedBytes.equals(fs.readFileSync(clip)),
    `/api/jobs/{id}/input serves the uploaded file as it was (${servedBytes.length} bytes, ${served.headers.get("content-type")})`);
  const fresh = await context.newPage();
  fresh.on("pageerror", (error) => console.log(`page error (fresh tab): ${error.message}`));
  await fresh.goto(base);
  await fresh.locator("#token").waitFor();
  await fresh.fill("#token", TOKEN);
  await fresh.keyboard.press("Enter");
  await fresh.locator("#upload-form").waitFor();
  await fresh.evaluate((name) => { location.hash = `#/jobs/${name}`; }, jobName);
  await fresh.locator("#input-video").waitFor();
  const freshSrc = await fresh.locator("#input-video").getAttribute("src");
  check(freshSrc.startsWith(`/api/jobs/${jobName}/input`), `a tab without the file plays the input from the server: ${freshSrc.replace(TOKEN, "…")}`);
  await waitFor("the server's input to load", () => fresh.evaluate(() => {
    const video = document.querySelector("#input-video");
    return video.readyState >= 1 && video.duration > 0;
  }), 30);
  const freshInput = await fresh.evaluate(() => {
    const video = document.querySelector("#input-video");
    return { duration: video.duration, width: video.videoWidth };
  });
  check(freshInput.width === 160 && Math.abs(freshInput.duration - FRAMES / FPS) < 0.1 && await fresh.locator("#input-file").count() === 0,
    `the server's input loads (${freshInput.width} px wide, ${freshInput.duration.toFixed(2)} s) and no file is asked for`);
  await fresh.click("#measure");
  // "Measurement {id}: ..." while it runs, "... (job {id})." once done.
  const freshStatus = fresh.locator("#measure-status", { hasText: /Measurement [0-9a-f]+:|\(job [0-9a-f]+\)/ });
  await freshStatus.waitFor({ timeout: 60000 });
  const freshMeasurement = /(?:Measurement |\(job )([0-9a-f]+)/.exec(await freshStatus.textContent())[1];
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const [measured, original] = await Promise.all([freshMeasurement, jobName].map(async (name) =>
    (await fetch(`${base}/api/jobs/${name}`, { headers: auth })).json()));
  check(measured.inputSha256 === original.inputSha256 && measured.inputSizeBytes === original.inputSizeBytes,
    "measuring in that tab uploads the input fetched from the server (same size and SHA-256)");
  // Where the server cannot serve the input (a server_path input, here simulated), the tab asks
  // for the file, saying why.
  await fresh.route("**/api/jobs/*/input*", (route) => route.fulfill({ status: 400, contentType: "application/json",
    body: JSON.stringify({ code: "FAILED_PRECONDITION", message: "the input is a server_path file" }) }));
  await fresh.reload();
  const picker = fresh.locator("label[for=input-file]");
  await picker.waitFor({ timeout: 30000 });
  const pickerText = await picker.textContent();
  check(pickerText.includes("the input is a server_path file (FAILED_PRECONDITION)") && await fresh.locator("#download-input").isHidden(),
    `if the server cannot play the input, the file is asked for: "${pickerText.trim()}"`);
  await fresh.setInputFiles("#input-file", clip);
  check((await fresh.locator("#input-video").getAttribute("src")).startsWith("blob:"), "the file chosen then plays as the input");
  await fresh.close();
  await fetch(`${base}/api/jobs/${freshMeasurement}:cancel`, { method: "POST", headers: auth });
  await fetch(`${base}/api/jobs/${freshMeasurement}`, { method: "DELETE", headers: auth });

  // The live page: Chromium's fake camera through the Live API.
  await page.click("nav.pages a[href='#/live']");
  await page.locator("#live-form").waitFor();
  const fsHelp = await page.locator("#live-fs-help").textContent();
  check(fsHelp.includes("Capture rate"), `the live form has the CLI's help text: "${fsHelp}"`);
  // A config the service refuses: its message, at the form.
  await page.selectOption("#live-mode", "temporal");
  await page.fill("#live-fh", "20");
  await page.click("#live-start");
  const liveError = page.locator("#live-error");
  await liveError.waitFor({ state: "visible", timeout: 30000 });
  const liveRefusal = await liveError.textContent();
  check(liveRefusal.includes("INVALID_ARGUMENT") && liveRefusal.includes("Nyquist"),
    `a live config the service refuses is shown at the form: "${liveRefusal}"`);
  check(await page.locator("#live-start").isEnabled(), "the form can be used again after a refusal");
  // Riesz at 320x240, the fast method for a CPU.
  await page.selectOption("#live-mode", "dynamic");
  await page.selectOption("#live-method", "riesz");
  await page.selectOption("#live-size", "320x240");
  await page.fill("#live-alpha", "10");
  await page.click("#live-start");
  const received = () => page.evaluate(() =>
    Number((/(\d+) magnified/.exec(document.querySelector("#live-counts").textContent) ?? [0, 0])[1]));
  await waitFor("magnified frames to arrive", async () => (await received()) >= 30 ||
    !(await page.locator("#live-stream-error").isHidden()), 60);
  check(await page.locator("#live-stream-error").isHidden() && await received() >= 30,
    `magnified frames arrive (${await received()})`);
  const latencyText = await page.locator("#live-latency").textContent();
  const latencyMatch = /Latency of frame \d+: (\d+) ms round trip \(service (\d+) ms, engine (\d+) ms\)/.exec(latencyText);
  check(latencyMatch && Number(latencyMatch[1]) > 0 && Number(latencyMatch[1]) >= Number(latencyMatch[2]),
    `each frame's latency is shown: "${latencyText}"`);
  const fpsText = await page.locator("#live-fps").textContent();
  check(/^[1-9]\d* frames\/s$/.test(fpsText), `the frames per second are shown: "${fpsText}"`);
  const liveFrames = await page.evaluate(() => ["#live-input", "#live-output"].map((id) => {
    const canvas = document.querySelector(id);
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let sum = 0, squares = 0;
    for (let i = 0; i < data.length; i += 4) { sum += data[i + 1]; squares += data[i + 1] * data[i + 1]; }
    const n = data.length / 4;
    return { width: canvas.width, height: canvas.height, deviation: Math.sqrt(squares / n - (sum / n) ** 2) };
  }));
  check(liveFrames.every((f) => f.width === 320 && f.height === 240 && f.deviation > 5),
    `the input and magnified frames are drawn at 320x240 (deviation ${liveFrames.map((f) => f.deviation.toFixed(1)).join(", ")})`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, "9-live", "live");
  // Stop by keyboard: focus went to Stop when the stream started.
  check(await page.evaluate(() => document.activeElement?.id) === "live-stop", "Stop has the focus while streaming");
  await page.keyboard.press("Enter");
  await page.locator("#live-status", { hasText: "Stopped:" }).waitFor({ timeout: 30000 });
  const stopped = /Stopped: (\d+) frames sent, (\d+) magnified/.exec(await page.locator("#live-status").textContent());
  check(stopped && Number(stopped[1]) >= 30 && stopped[1] === stopped[2],
    `Stop ends the session with every frame answered (${stopped?.[1]} sent, ${stopped?.[2]} magnified)`);
  check(await page.locator("#live-start").isEnabled() && await page.locator("#live-stop").isDisabled(),
    "after Stop the form can start again");

  // A server without tokens: no sign-in, straight to the jobs page.
  const openPort = await freePort();
  const open = spawn(env("VMM_SERVER_BINARY"), [
    "--listen=127.0.0.1", "--port=0", "--metrics-port=-1", `--data-dir=${folder}/open-data`,
    `--web-port=${openPort}`, `--console-dir=${env("VMM_CONSOLE_DIST")}`, "--local-workers=0",
  ], { stdio: ["ignore", log, log] });
  try {
    await waitFor("the token-less console", async () =>
      (await fetch(`http://127.0.0.1:${openPort}/api/config`)).ok, 60);
    await page.goto(`http://127.0.0.1:${openPort}/`);
    await page.locator("#upload-form").waitFor();
    check(await page.locator("#token").count() === 0 && !(await page.locator("#sign-out").isVisible()),
      "without tokens the console opens without signing in");
  } finally {
    open.kill("SIGTERM");
  }
  console.log(`${passed} passed, 0 failed`);
} catch (error) {
  failed = true;
  console.log(error.stack ?? String(error));
  if (context) {
    const page = context.pages()[0];
    if (page) await page.screenshot({ path: path.join(screenshots, "failure.png") }).catch(() => {});
  }
  console.log("--- server log (end) ---");
  console.log(fs.readFileSync(path.join(folder, "server.log"), "utf8").slice(-4000));
  console.log(`${passed} passed, 1 failed`);
} finally {
  if (context) await context.close().catch(() => {});
  server.kill("SIGTERM");
  await new Promise((resolve) => {
    const timer = setTimeout(() => { server.kill("SIGKILL"); resolve(); }, 20000);
    server.once("exit", () => { clearTimeout(timer); resolve(); });
    if (server.exitCode !== null) { clearTimeout(timer); resolve(); }
  });
  if (!failed) fs.rmSync(folder, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
