// Test driver for the static search client (static/js/search-index.js)
// under Node: node driver.js CLIENT JOB.json
//
// The job is JSON: {site, requests, texts, stop, codepoints}. With site (a
// built output folder) every request runs through the client against
// site/kb-search; with texts every text is analysed; with codepoints every
// listed code point is classified. The answer is JSON on stdout.
"use strict";
const fs = require("fs");
const path = require("path");

async function main() {
  const client = require(path.resolve(process.argv[2]));
  const job = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
  const out = {};
  if (job.site && job.bench) {
    // Time each search with a new client and every file in memory: the
    // client's own work (inflating, decoding, scoring, snippets), no I/O.
    const files = new Map();
    const walk = (dir) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else files.set(path.relative(job.site, p).split(path.sep).join("/"), new Uint8Array(fs.readFileSync(p)));
      }
    };
    walk(path.join(job.site, "kb-search"));
    const load = (url) => (files.has(url) ? Promise.resolve(files.get(url)) : Promise.reject({ unavailable: true, why: url }));
    // Two passes: the first with the JavaScript engine cold (a visit's
    // first searches), the second warm. Wall time and CPU time (the
    // process's, which a busy machine does not inflate).
    out.micros = [];
    out.cpuMicros = [];
    for (const pass of [0, 1]) {
      for (const r of job.requests) {
        const ix = client.open("kb-search/manifest.json", { load });
        await ix.ready;
        const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
        const res = await ix.search(r);
        const c = process.cpuUsage(c0);
        if (pass === 1) {
          out.micros.push(Number(process.hrtime.bigint() - t0) / 1000);
          out.cpuMicros.push(c.user + c.system);
        } else (out.coldMicros = out.coldMicros || []).push(Number(process.hrtime.bigint() - t0) / 1000);
        if (!res.hits) throw new Error("no answer to " + JSON.stringify(r) + ": " + JSON.stringify(res));
      }
    }
  } else if (job.site) {
    const loaded = [];
    // job.damage spoils the files whose names start with job.damageFiles:
    // "truncate" halves them, "garbage" flips bytes, "missing" removes them.
    const damaged = (url) => job.damage && path.basename(url).startsWith(job.damageFiles || "p.");
    const ix = client.open("kb-search/manifest.json", {
      load: (url) => {
        loaded.push(url);
        if (damaged(url) && job.damage === "missing") return Promise.reject({ unavailable: true, why: url + ": missing" });
        return fs.promises.readFile(path.join(job.site, url)).then(
          (b) => {
            let u = new Uint8Array(b.buffer, b.byteOffset, b.length);
            if (damaged(url) && job.damage === "truncate") u = u.subarray(0, u.length >> 1);
            if (damaged(url) && job.damage === "garbage") { u = u.slice(); for (let i = 10; i < u.length; i += 7) u[i] ^= 0x5a; }
            return u;
          },
          () => { throw { unavailable: true, why: url + ": missing" }; });
      },
    });
    out.results = [];
    out.micros = [];
    out.loaded = [];
    const requests = job.requests.slice();
    if (job.hostile) {
      // Input no Go test can send: lone surrogates, huge and odd values.
      for (const q of ["\ud800", "a\udc00b password", "\udbff\udfff", "x".repeat(1 << 20), " ".repeat(5000), "password\u0000\u001b[1m",
        "constructor", "__proto__", "toString hasOwnProperty", "valueOf", "prototype __proto__ constructor"]) {
        requests.push({ q: q }, { q: q, prefix: true });
      }
      requests.push({ q: null }, { q: 42 }, { q: "password", limit: -1 }, { q: "password", limit: "x" }, { q: "password", limit: 1e9 },
        { q: "password", type: "<b>" }, { q: "password", product: "__proto__" }, {}, { q: "password", type: "constructor" });
    }
    out.requests = requests.length;
    for (const r of requests) {
      loaded.length = 0;
      const t0 = process.hrtime.bigint();
      let res;
      try {
        res = await ix.search(r);
      } catch (e) {
        res = { unavailable: true, why: String((e && e.why) || e) };
      }
      out.micros.push(Number(process.hrtime.bigint() - t0) / 1000);
      out.results.push(res);
      out.loaded.push(loaded.slice());
    }
  }
  if (job.texts) {
    const a = new client.Analyzer(new Set(job.stop || []), "plural");
    out.plain = job.texts.map((t) => client.plainTerms(t));
    out.text = job.texts.map((t) => a.terms(t));
    out.code = job.texts.map((t) => client.codeWords(t));
  }
  if (job.codepoints) {
    out.codepoints = job.codepoints.map((c) => (client.isWord(c) ? client.lower(c) : -1));
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(String((e && e.stack) || JSON.stringify(e)) + "\n");
  process.exit(1);
});
