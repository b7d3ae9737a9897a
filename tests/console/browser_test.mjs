// The console in a real browser: Playwright (playwright-core) driving Debian's Chromium,
// headless, against a real vmm-server with its local worker on loopback. Signs in (a wrong token
// first, which must be refused with a visible error), uploads a generated clip, sees its
// progress reach 100%, plays the input and the magnified video side by side, downloads the
// result (and reads a byte range, as <video> does). Saves a screenshot of each page to
// $VMM_SCREENSHOT_DIR. Exits 77 (ctest's skip) only when Chromium is missing.
//
// Environment (tests/console/CMakeLists.txt): VMM_SERVER_BINARY, VMM_WORKER_BINARY,
// VMM_CONSOLE_DIST, VMM_CONSOLE_NODE_MODULES, VMM_SCREENSHOT_DIR.
import { spawn, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

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

// A short clip: 160x120, 24 frames at 24 fps, a test pattern swaying by a fraction of a pixel.
const clip = path.join(folder, "sway.mp4");
execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
  "testsrc2=size=160x120:rate=24,rotate='0.003*sin(2*PI*2*t)':ow=iw:oh=ih:bilinear=1",
  "-frames:v", "24", "-c:v", "libx264", "-pix_fmt", "yuv420p", clip]);

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
      "--autoplay-policy=no-user-gesture-required"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (error) => console.log(`page error: ${error.message}`));
  await page.goto(base);

  // Sign in: a wrong token is refused where it was typed.
  await page.locator("#token").waitFor();
  check(await page.locator("h1", { hasText: "Sign in" }).isVisible(), "the sign-in page shows first");
  await page.screenshot({ path: path.join(screenshots, "1-sign-in.png") });
  await page.fill("#token", "not-a-token");
  await page.keyboard.press("Enter");
  const refused = page.locator("#token-error");
  await refused.waitFor({ state: "visible" });
  const refusal = await refused.textContent();
  check(refusal.includes("UNAUTHENTICATED"), `a wrong token is refused visibly: "${refusal}"`);
  await page.screenshot({ path: path.join(screenshots, "2-wrong-token.png") });
  await page.fill("#token", TOKEN);
  await page.keyboard.press("Enter");
  await page.locator("#upload-form").waitFor();
  check(await page.locator("#sign-out").isVisible(), "signed in with the right token");

  // The CLI's own help text beside the fields.
  const alphaHelp = await page.locator("#alpha-help").textContent();
  check(alphaHelp.includes("Total magnification factor"), `alpha's help is the CLI's: "${alphaHelp}"`);

  // Parameters the service refuses: its message, shown at the form.
  await page.setInputFiles("#file", clip);
  await page.fill("#alpha", "20000");
  await page.click("#upload-form button[type=submit]");
  const uploadError = page.locator("#upload-error");
  await uploadError.waitFor({ state: "visible", timeout: 30000 });
  const uploadRefusal = await uploadError.textContent();
  check(uploadRefusal.includes("INVALID_ARGUMENT") && uploadRefusal.includes("alpha"),
    `refused parameters are shown at the form: "${uploadRefusal}"`);
  await page.screenshot({ path: path.join(screenshots, "3-upload-refused.png") });

  // Upload with progress, then watch the job reach 100%.
  await page.setInputFiles("#file", clip);
  await page.fill("#display-name", "sway test");
  await page.fill("#alpha", "8");
  await page.click("#upload-form button[type=submit]");
  const row = page.locator("#jobs tbody tr", { hasText: "sway test" });
  await row.waitFor({ timeout: 60000 });
  check(/Uploaded sway\.mp4/.test(await page.locator("#upload-status").textContent()), "the upload finished");
  await page.screenshot({ path: path.join(screenshots, "4-jobs-running.png") });
  await row.locator("td.state", { hasText: "Succeeded" }).waitFor({ timeout: 240000 });
  check((await row.locator(".percent").textContent()).trim() === "100%", "progress reached 100%");
  check((await row.textContent()).includes("24 / 24 frames"), "every frame was magnified");
  await page.screenshot({ path: path.join(screenshots, "5-jobs-done.png") });

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
  check(frameText === "Frame 13 of 24", `the scrubber moves to a frame: "${frameText}"`);
  await page.screenshot({ path: path.join(screenshots, "6-result.png") });

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
