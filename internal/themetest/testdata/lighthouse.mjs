// Runs Lighthouse on a list of pages and prints one JSON line per run:
//   {"url", "view", "scores": {category: score}, "failing": ["category: audit-id (title) score"], "error", "ms"}
// Usage: node lighthouse.mjs LIGHTHOUSE_DIR RUNS_JSON
// where LIGHTHOUSE_DIR is the lighthouse npm package folder and RUNS_JSON a
// JSON array of {url, view, dark, desktop, categories}. One Chrome per colour
// scheme (CHROME_PATH, headless, dark through --force-dark-mode), reused by
// its runs. TestLighthouse (lighthouse_test.go) runs it.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [dir, runsJSON] = process.argv.slice(2);
const runs = JSON.parse(runsJSON);
const from = createRequire(path.join(dir, "package.json"));
const lighthouse = (await import(pathToFileURL(path.join(dir, "core", "index.js")))).default;
const desktop = (await import(pathToFileURL(path.join(dir, "core", "config", "desktop-config.js")))).default;
const chromeLauncher = await import(pathToFileURL(from.resolve("chrome-launcher")));

// A static site on localhost settles at once: shorter quiet windows than
// the defaults (1 s each) save seconds a run and change no simulated metric.
const settle = { pauseAfterFcpMs: 250, pauseAfterLoadMs: 250, networkQuietThresholdMs: 250, cpuQuietThresholdMs: 250 };
const skip = ["screenshot-thumbnails", "final-screenshot", "full-page-screenshot"];

const chromes = {};
async function chromeFor(dark) {
  if (!chromes[dark]) {
    const flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"];
    if (dark) flags.push("--force-dark-mode");
    chromes[dark] = await chromeLauncher.launch({ chromePath: process.env.CHROME_PATH, chromeFlags: flags });
  }
  return chromes[dark];
}

try {
  for (const run of runs) {
    const out = { url: run.url, view: run.view, scores: {}, failing: [] }, start = Date.now();
    try {
      const chrome = await chromeFor(!!run.dark);
      const config = run.desktop ? { ...desktop, settings: { ...desktop.settings, ...settle } } : { extends: "lighthouse:default", settings: { ...settle } };
      const res = await lighthouse(run.url, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: run.categories, skipAudits: skip }, config);
      const lhr = res.lhr;
      if (lhr.runtimeError) out.error = lhr.runtimeError.code + ": " + lhr.runtimeError.message;
      for (const [id, cat] of Object.entries(lhr.categories)) {
        out.scores[id] = cat.score;
        for (const ref of cat.auditRefs) {
          const a = lhr.audits[ref.id];
          if (ref.weight > 0 && a.score !== null && a.score < 1) {
            out.failing.push(`${id}: ${ref.id} (${a.title}) ${a.score}${a.displayValue ? " " + a.displayValue : ""}`);
          }
        }
      }
    } catch (e) {
      out.error = String(e && e.stack || e);
    }
    out.ms = Date.now() - start;
    process.stdout.write(JSON.stringify(out) + "\n");
  }
} finally {
  for (const c of Object.values(chromes)) await c.kill();
}
