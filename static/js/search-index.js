/* kb static search client: searches the static index kb build writes to
 * kb-search/ and ranks exactly like kb's bleve index (the Go API and
 * `kb search`). No dependencies; the Go port of this algorithm is
 * internal/search/staticclient.go, and parity tests run both against bleve.
 *
 *   kbSearchIndex.open(manifestURL[, {load}]) → index
 *   index.ready → Promise (manifest and document table loaded)
 *   index.search({q, type, product, limit, prefix, facets}) → Promise of the
 *     /api/search JSON: {query, total, hits, facets, corrected} or {error}
 *
 * A file that cannot be loaded or is corrupt rejects with
 * {unavailable: true, why}: never a partial or wrong answer.
 *
 * Steps of a search (internal/search, package doc): analyse the query
 * (tokenize, stop words, plural stemmer, synonyms); plan the query tree with
 * the dictionary files it needs (typo correction, completions); fetch the
 * postings of its leaves in parallel; score with bleve's BM25 and walk the
 * tree; count facets; fetch fragments of the shown hits only; cut snippets.
 */
(function (root, factory) {
  var api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.kbSearchIndex = api;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // ---- analysis: a port of internal/search/analysis.go --------------------

  var WORD = /[\p{L}\p{Nd}\p{Mn}]/u, DIGIT = /\p{Nd}/u;
  var MAX_TOKEN_RUNES = 40;

  function isWordCP(c) {
    if (c < 0) return false;
    if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);
    if (c >= 0xd800 && c <= 0xdfff) return false;
    return WORD.test(String.fromCodePoint(c));
  }
  function isDigitCP(c) {
    if (c < 0) return false;
    if (c < 0x80) return c >= 0x30 && c <= 0x39;
    if (c >= 0xd800 && c <= 0xdfff) return false;
    return DIGIT.test(String.fromCodePoint(c));
  }
  function isApos(c) { return c === 0x27 || c === 0x2019; }

  // lowerCP is Go's unicode.ToLower: the simple case mapping of one rune.
  function lowerCP(c) {
    if (c < 0x80) return c >= 0x41 && c <= 0x5a ? c + 32 : c;
    if (c === 0x130) return 0x69; // İ: JavaScript's full mapping gives i + U+0307
    var s = String.fromCodePoint(c).toLowerCase(), l = s.codePointAt(0);
    return s.length === (l > 0xffff ? 2 : 1) ? l : c;
  }

  // tokenize splits text into words: {text, start, end} with UTF-16 offsets.
  // Words are runs of letters, digits and combining marks, lowercased rune by
  // rune; an apostrophe between word runes is dropped; a "." between digits
  // stays; words over 40 runes are dropped; lone surrogates separate.
  function tokenize(text) {
    var out = [], start = -1, runes = 0, buf = [], prev = -1, n = text.length, i = 0;
    // simple: the word so far is text.slice(start, i) as it is (ASCII
    // lowercase letters, digits and kept dots), so no copy is needed.
    var simple = true;
    function flush(end) {
      if (start >= 0 && runes > 0 && runes <= MAX_TOKEN_RUNES) {
        out.push({ text: simple ? text.slice(start, end) : String.fromCodePoint.apply(null, buf), start: start, end: end });
      }
      buf.length = 0; start = -1; runes = 0; simple = true;
    }
    while (i < n) {
      var c = text.charCodeAt(i), size = 1;
      if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) { // ASCII fast path
        if (start < 0) start = i;
        buf.push(c);
        runes++;
        prev = c;
        i++;
        continue;
      }
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        var lo = text.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) { c = (c - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000; size = 2; }
      }
      if (isWordCP(c)) {
        if (start < 0) start = i;
        buf.push(lowerCP(c));
        simple = false;
        runes++;
        prev = c;
      } else if (start >= 0 && (isApos(c) || c === 0x2e) && i + size < n) {
        var next = text.codePointAt(i + size);
        if (isApos(c) && isWordCP(prev) && isWordCP(next)) {
          simple = false; // dropped; the word goes on
        } else if (c === 0x2e && isDigitCP(prev) && isDigitCP(next)) {
          buf.push(0x2e);
          runes++;
        } else {
          flush(i);
          prev = -1;
        }
      } else {
        flush(i);
        prev = -1;
      }
      i += size;
    }
    flush(n);
    return out;
  }

  // codeWords: the identifiers of a text, whole (analysis.go, codeWords):
  // runs of word runes and joiners (- _ . : / @), joiners trimmed at the
  // ends, with a joiner inside, not one word of the tokenizer, lowercased
  // rune by rune, at most 40 runes.
  function isJoiner(c) { return c === 0x2d || c === 0x5f || c === 0x2e || c === 0x3a || c === 0x2f || c === 0x40; }
  function codeWords(text) {
    var out = [], cps = [];
    function flush() {
      var a = 0, b = cps.length;
      while (a < b && isJoiner(cps[a])) a++;
      while (b > a && isJoiner(cps[b - 1])) b--;
      var w = cps.slice(a, b);
      cps = [];
      if (!w.length || w.length > MAX_TOKEN_RUNES || !w.some(isJoiner)) return;
      var s = String.fromCodePoint.apply(null, w), ts = tokenize(s);
      if (ts.length === 1 && ts[0].start === 0 && ts[0].end === s.length) return;
      out.push(String.fromCodePoint.apply(null, w.map(lowerCP)));
    }
    for (var i = 0; i < text.length;) {
      var c = text.codePointAt(i), size = c > 0xffff ? 2 : 1;
      if (c >= 0xd800 && c <= 0xdfff) size = 1;
      if (isWordCP(c) || isJoiner(c)) cps.push(c);
      else flush();
      i += size;
    }
    flush();
    return out;
  }

  // The English plural stemmer of bleve (stemmer_en_plural), rune by rune.
  var OES = ["shoes", "canoes", "oboes"];
  var CHES = ["cliches", "avalanches", "mustaches", "moustaches", "quiches", "headaches", "heartaches", "porsches", "tranches", "caches"];
  function isException(r, list) {
    for (var k = 0; k < list.length; k++) {
      var e = Array.from(list[k]), ep = e.length - 1, wp = r.length - 1, ok = true;
      while (ep >= 0 && wp >= 0) {
        if (e[ep] !== r[wp]) { ok = false; break; }
        ep--; wp--;
      }
      if (ok) return true;
    }
    return false;
  }
  function pluralStem(word) {
    var r = Array.from(word), n = r.length;
    if (n < 3 || r[n - 1] !== "s") return word;
    switch (r[n - 2]) {
      case "u": case "s": return word;
      case "e":
        if (n > 4 && r[n - 3] === "i") { r[n - 3] = "y"; return r.slice(0, n - 2).join(""); }
        if (n > 3) {
          if (n > 4 && r[n - 3] === "x") return r.slice(0, n - 2).join("");
          if (r[n - 3] === "o") return isException(r, OES) ? r.slice(0, n - 1).join("") : r.slice(0, n - 2).join("");
          if (n > 4) {
            if (r[n - 4] === "s" && (r[n - 3] === "h" || r[n - 3] === "s")) return r.slice(0, n - 2).join("");
            if (r[n - 4] === "c" && r[n - 3] === "h") return isException(r, CHES) ? r.slice(0, n - 1).join("") : r.slice(0, n - 2).join("");
          }
        }
    }
    return r.slice(0, n - 1).join("");
  }

  // Analyzer: the text analyzer (stop words, stemmer) or the plain one.
  function Analyzer(stop, stemmer) { this.stop = stop; this.stemmer = stemmer; }
  Analyzer.prototype.stem = function (t) { return this.stemmer === "plural" ? pluralStem(t) : t; };
  Analyzer.prototype.isStop = function (t) { return this.stop.has(t); };
  Analyzer.prototype.terms = function (text) {
    var self = this;
    return tokenize(text).filter(function (t) { return !self.isStop(t.text); }).map(function (t) { return self.stem(t.text); });
  };
  function plainTerms(text) { return tokenize(text).map(function (t) { return t.text; }); }

  // ---- binary files ---------------------------------------------------------

  function corrupt(why) { return { unavailable: true, why: why }; }

  function Reader(bytes, name) { this.b = bytes; this.i = 0; this.name = name; }
  Reader.prototype.uvarint = function () {
    var x = 0, s = 1, b = this.b, i = this.i;
    for (var k = 0; k < 10; k++) {
      if (i >= b.length) throw corrupt(this.name + ": truncated");
      var c = b[i++];
      x += (c & 0x7f) * s;
      if (c < 0x80) { this.i = i; return x; }
      s *= 128;
    }
    throw corrupt(this.name + ": bad number");
  };
  Reader.prototype.bytes = function (n) {
    if (n > this.b.length - this.i) throw corrupt(this.name + ": truncated");
    var out = this.b.subarray(this.i, this.i + n);
    this.i += n;
    return out;
  };
  var utf8 = new TextDecoder("utf-8");
  Reader.prototype.magic = function (m) {
    if (utf8.decode(this.bytes(m.length)) !== m) throw corrupt(this.name + ": not a " + m + " file");
  };

  // Under Node (tests, benchmarks) zlib inflates: its DecompressionStream
  // is slow to set up; browsers use their native DecompressionStream.
  var zlib = typeof process === "object" && process.versions && process.versions.node && typeof require === "function" ? require("zlib") : null;

  function gunzip(bytes, name) {
    if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return Promise.resolve(bytes); // inflated by the host
    if (zlib) {
      try { return Promise.resolve(new Uint8Array(zlib.gunzipSync(bytes))); } catch (e) { return Promise.reject(corrupt(name + ": corrupt")); }
    }
    if (typeof DecompressionStream !== "function") return Promise.reject(corrupt("this browser cannot inflate the search index"));
    var ds = new DecompressionStream("gzip");
    return new Response(new Blob([bytes]).stream().pipeThrough(ds)).arrayBuffer().then(function (b) {
      return new Uint8Array(b);
    }, function () { throw corrupt(name + ": corrupt"); });
  }

  function defaultLoad(url) {
    return fetch(url).then(function (res) {
      if (!res.ok) throw corrupt(url + ": HTTP " + res.status);
      return res.arrayBuffer();
    }, function () { throw corrupt(url + ": network"); }).then(function (b) { return new Uint8Array(b); });
  }

  // compare strings by UTF-8 bytes, as Go does (code point order).
  function cmp(a, b) {
    if (a === b) return 0;
    var n = Math.min(a.length, b.length);
    for (var i = 0; i < n; i++) {
      var x = a.charCodeAt(i), y = b.charCodeAt(i);
      if (x !== y) {
        // surrogates (astral code points) sort after the BMP in UTF-8
        var xs = x >= 0xd800 && x <= 0xdfff, ys = y >= 0xd800 && y <= 0xdfff;
        if (xs !== ys) return xs ? 1 : -1;
        return x < y ? -1 : 1;
      }
    }
    return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
  }

  // prefixEnd is the smallest string after every string starting with p.
  function prefixEnd(p) {
    var cps = Array.from(p);
    while (cps.length) {
      var c = cps[cps.length - 1].codePointAt(0);
      if (c < 0x10ffff) { cps[cps.length - 1] = String.fromCodePoint(c === 0xd7ff ? 0xe000 : c + 1); return cps.join(""); }
      cps.pop();
    }
    return "";
  }

  // chunkFor is the last file whose first term is not after term, or -1.
  function chunkFor(first, term) {
    var lo = 0, hi = first.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (cmp(first[mid], term) > 0) hi = mid; else lo = mid + 1;
    }
    return lo - 1;
  }

  function frontCoded(r, prev) {
    var shared = r.uvarint(), rest = r.uvarint();
    var pb = utf8enc.encode(prev);
    if (shared > pb.length) throw corrupt(r.name + ": bad term");
    var b = new Uint8Array(shared + rest);
    b.set(pb.subarray(0, shared));
    b.set(r.bytes(rest), shared);
    return utf8.decode(b);
  }
  var utf8enc = new TextEncoder();

  // ---- the index ------------------------------------------------------------

  // FIELDS are the manifest's fields (static.go, staticFields), F their numbers.
  var FIELDS = ["title", "headings", "tags", "errors", "description", "body", "words", "errcode", "errmsg", "code"], F = {};
  FIELDS.forEach(function (f, i) { F[f] = i; });
  var CODE = /\b[A-Za-z]{2,10}-[0-9]{2,6}\b/g;

  function Index(url, opts) {
    var self = this;
    this.base = url.slice(0, url.lastIndexOf("/") + 1);
    this.loadRaw = (opts && opts.load) || defaultLoad;
    this.files = {}; // name → Promise of inflated bytes
    this.dicts = {}; // chunk number → decoded dictionary chunk
    this.posts = {}; // chunk number → decoded postings chunk
    this.ready = this.loadRaw(url).then(function (bytes) {
      var m;
      try { m = JSON.parse(utf8.decode(bytes)); } catch (e) { throw corrupt("manifest.json: " + e.message); }
      if (!m || m.format !== 3 || !Array.isArray(m.fields) || m.fields.join() !== FIELDS.join()) throw corrupt("manifest.json: unknown format");
      var lists = [m.stop, m.synonyms, m.values, m.weight, m.b, m.avgLen, m.idf, m.sets && m.sets.text, m.sets && m.sets.short, m.dict && m.dict.files, m.dict && m.dict.first, m.postings && m.postings.files, m.postings && m.postings.first];
      if (!lists.every(Array.isArray) || m.weight.length !== m.fields.length || m.b.length !== m.fields.length || m.avgLen.length !== m.fields.length || typeof m.k1 !== "number" || m.dict.files.length !== m.dict.first.length ||
        m.postings.files.length !== m.postings.first.length || typeof m.docs !== "number" || !m.limits || typeof m.fragments !== "string") throw corrupt("manifest.json: incomplete");
      self.m = m;
      self.analyzer = new Analyzer(new Set(m.stop), m.stemmer);
      self.syn = { entries: new Map(), vocab: new Set(m.synonymWords || []) };
      (m.synonyms || []).forEach(function (e) {
        var k = e.terms[0];
        if (!self.syn.entries.has(k)) self.syn.entries.set(k, []);
        self.syn.entries.get(k).push(e);
      });
      return self.file(m.docTable);
    }).then(function (bytes) { self.readDocTable(bytes); });
    this.ready.catch(function () {}); // reported by search
  }

  Index.prototype.file = function (name) {
    var self = this;
    if (!this.files[name]) {
      this.files[name] = this.loadRaw(this.base + name).then(function (b) { return gunzip(b, name); });
      this.files[name].catch(function () { delete self.files[name]; });
    }
    return this.files[name];
  };

  Index.prototype.readDocTable = function (bytes) {
    var r = new Reader(bytes, this.m.docTable), n;
    r.magic("kbd1");
    n = r.uvarint();
    if (n !== this.m.docs) throw corrupt(r.name + ": wrong document count");
    function col() {
      var c = new Uint32Array(n);
      for (var i = 0; i < n; i++) c[i] = r.uvarint();
      return c;
    }
    this.types = col();
    this.prods = col();
    this.lens = [];
    for (var f = 0; f < FIELDS.length; f++) this.lens.push(col());
    if (r.i !== bytes.length) throw corrupt(r.name + ": trailing bytes");
    for (var i = 0; i < n; i++) if (this.types[i] >= this.m.values.length || this.prods[i] >= this.m.values.length) throw corrupt(r.name + ": bad value");
  };

  Index.prototype.readDict = function (bytes, name) {
    var r = new Reader(bytes, name), n, prev = "", c = { terms: [], words: [], body: [], flags: [] };
    r.magic("kbw1");
    n = r.uvarint();
    for (var i = 0; i < n; i++) {
      prev = frontCoded(r, prev);
      c.terms.push(prev);
      c.words.push(r.uvarint());
      c.body.push(r.uvarint());
      c.flags.push(r.bytes(1)[0]);
    }
    if (r.i !== bytes.length) throw corrupt(name + ": trailing bytes");
    c.at = new Map(c.terms.map(function (t, i) { return [t, i]; }));
    return c;
  };

  Index.prototype.readPostings = function (bytes, name) {
    var r = new Reader(bytes, name), n, prev = "", c = { name: name, at: new Map(), decoded: new Map() }, end = 0;
    r.magic("kbp2");
    n = r.uvarint();
    for (var i = 0; i < n; i++) {
      prev = frontCoded(r, prev);
      var off = r.uvarint(), len = r.uvarint();
      c.at.set(prev, [off, len]);
      end = Math.max(end, off + len);
    }
    c.body = bytes.subarray(r.i);
    if (end !== c.body.length) throw corrupt(name + ": bad term table");
    return c;
  };

  // postingsOf decodes a term's postings: field number → {docs, tfs}.
  function postingsOf(c, term) {
    if (c.decoded.has(term)) return c.decoded.get(term);
    var loc = c.at.get(term), out = {};
    if (loc) {
      var r = new Reader(c.body.subarray(loc[0], loc[0] + loc[1]), c.name), mask = r.uvarint();
      for (var f = 0; f < FIELDS.length; f++) {
        if (!(mask & (1 << f))) continue;
        var df = r.uvarint();
        if (df > r.b.length) throw corrupt(c.name + ": bad postings");
        var docs = new Int32Array(df), tfs = new Uint32Array(df), d = -1;
        for (var i = 0; i < df; i++) { d += r.uvarint(); docs[i] = d; }
        for (i = 0; i < df; i++) tfs[i] = r.uvarint();
        out[f] = { docs: docs, tfs: tfs };
      }
    }
    c.decoded.set(term, out);
    return out;
  }

  // ---- the dictionary, as the planner asks it --------------------------------

  // Dict answers from loaded dictionary files and records the files it
  // would need; planning runs again once they are loaded.
  function Dict(ix) { this.ix = ix; this.missing = new Set(); }
  Dict.prototype.range = function (lo, hi, f) {
    var first = this.ix.m.dict.first;
    for (var i = Math.max(0, chunkFor(first, lo)); i < first.length && (hi === "" || cmp(first[i], hi) < 0); i++) {
      var c = this.ix.dicts[i];
      if (!c) { this.missing.add(i); continue; }
      for (var j = 0; j < c.terms.length; j++) {
        var t = c.terms[j];
        if (cmp(t, lo) >= 0 && (hi === "" || cmp(t, hi) < 0)) f(c, j);
      }
    }
  };
  Dict.prototype.entry = function (term) {
    var i = chunkFor(this.ix.m.dict.first, term);
    if (i < 0) return null;
    var c = this.ix.dicts[i];
    if (!c) { this.missing.add(i); return null; }
    var j = c.at.get(term);
    return j === undefined ? null : { c: c, j: j };
  };
  Dict.prototype.dfWords = function (term) { var e = this.entry(term); return e ? e.c.words[e.j] : 0; };
  Dict.prototype.inText = function (term) { var e = this.entry(term); return !!e && (e.c.body[e.j] > 0 || (e.c.flags[e.j] & 1) === 1); };
  // hasPrefixed reports whether a word starts with prefix, reading no
  // further than the first such word (a one-letter prefix spans many files).
  Dict.prototype.hasPrefixed = function (prefix) {
    var first = this.ix.m.dict.first, hi = prefixEnd(prefix);
    for (var i = Math.max(0, chunkFor(first, prefix)); i < first.length && (hi === "" || cmp(first[i], hi) < 0); i++) {
      var c = this.ix.dicts[i];
      if (!c) { this.missing.add(i); return false; }
      for (var j = 0; j < c.terms.length; j++) {
        var t = c.terms[j];
        if (cmp(t, prefix) >= 0 && (hi === "" || cmp(t, hi) < 0) && c.words[j] > 0) return true;
      }
    }
    return false;
  };
  Dict.prototype.prefixed = function (prefix) {
    var out = [];
    this.range(prefix, prefixEnd(prefix), function (c, j) { if (c.words[j] > 0) out.push({ term: c.terms[j], df: c.words[j] }); });
    return out;
  };
  Dict.prototype.fuzzy = function (field, term, k) {
    if (k <= 0 || term === "") return [];
    var first = String.fromCodePoint(term.codePointAt(0)), n = Array.from(term).length, out = [];
    this.range(first, prefixEnd(first), function (c, j) {
      var t = c.terms[j], df = field === "words" ? c.words[j] : c.body[j], m;
      if (df === 0) return;
      m = Array.from(t).length;
      if (m < n - k || m > n + k) return;
      if (osaDistance(term, t) <= k) out.push({ term: t, df: df });
    });
    return out;
  };

  // osaDistance: optimal string alignment distance in runes.
  function osaDistance(a, b) {
    var ra = Array.from(a), rb = Array.from(b), n = ra.length, m = rb.length, prev2 = [], prev = [], cur = [], i, j;
    for (j = 0; j <= m; j++) prev[j] = j;
    for (i = 1; i <= n; i++) {
      cur = [i];
      for (j = 1; j <= m; j++) {
        var cost = ra[i - 1] === rb[j - 1] ? 0 : 1;
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (i > 1 && j > 1 && ra[i - 1] === rb[j - 2] && ra[i - 2] === rb[j - 1]) cur[j] = Math.min(cur[j], prev2[j - 2] + 1);
      }
      prev2 = prev; prev = cur;
    }
    return prev[m];
  }

  // ---- the planner: a port of internal/search/query.go --------------------------

  function term(field, t, boost) { return { op: "term", field: field, term: t, boost: boost }; }
  function group(op, kids) { return kids.length === 0 ? null : kids.length === 1 ? kids[0] : { op: op, kids: kids }; }

  function fuzziness(w) {
    var n = Array.from(w).length;
    return n <= 2 ? 0 : n <= 5 ? 1 : 2;
  }
  function hasDigit(w) {
    for (var i = 0; i < w.length;) {
      var c = w.codePointAt(i);
      if (isDigitCP(c)) return true;
      i += c > 0xffff ? 2 : 1;
    }
    return false;
  }
  function sameFirst(a, b) { return a.codePointAt(0) === b.codePointAt(0); }

  function correct(ix, dict, w) {
    var a = ix.analyzer;
    if (a.isStop(w) || fuzziness(w) === 0 || hasDigit(w) || ix.syn.vocab.has(w)) return "";
    var stem = a.stem(w);
    if (dict.dfWords(w) > 0 || dict.inText(stem)) return "";
    var best = "", bestDist = 99, bestDF = 0, k = fuzziness(w);
    function consider(c, d, df) {
      if (d < bestDist || (d === bestDist && (df > bestDF || (df === bestDF && cmp(c, best) < 0)))) { best = c; bestDist = d; bestDF = df; }
    }
    dict.fuzzy("words", w, k).forEach(function (c) {
      var d = osaDistance(w, c.term);
      if (d <= k && sameFirst(w, c.term) && !a.isStop(c.term)) consider(c.term, d, c.df);
    });
    if (best === "") {
      dict.fuzzy("body", stem, k).forEach(function (c) {
        var d = osaDistance(stem, c.term);
        if (d <= k && sameFirst(stem, c.term) && !a.isStop(c.term)) consider(c.term, d, c.df);
      });
    }
    return best;
  }

  function expansions(ix, dict, w) {
    if (Array.from(w).length < 2) return [];
    var ts = dict.prefixed(w);
    ts.sort(function (x, y) { return x.df !== y.df ? y.df - x.df : cmp(x.term, y.term); });
    var out = [];
    for (var i = 0; i < ts.length && out.length < ix.m.limits.maxExpansions; i++) if (ts[i].term !== w) out.push(ts[i].term);
    return out;
  }

  function matchSynonyms(syn, words) {
    var out = [];
    for (var i = 0; i < words.length;) {
      var best = null;
      (syn.entries.get(words[i]) || []).forEach(function (e) {
        if (e.terms.length <= words.length - i && e.terms.every(function (t, k) { return words[i + k] === t; }) && (!best || e.terms.length > best.terms.length)) best = e;
      });
      if (!best) { out.push({ from: i, to: i + 1, alts: [words[i]] }); i++; continue; }
      out.push({ from: i, to: i + best.terms.length, alts: best.alts });
      i += best.terms.length;
    }
    return out;
  }

  // compounds: query.go's. Two adjacent words of letters that the index
  // has as one word become one span (not the unfinished last word).
  var LETTERS = /^\p{L}+$/u;
  function compounds(a, dict, spans, words, open) {
    function single(sp) { return sp.to - sp.from === 1 && sp.alts.length === 1 && LETTERS.test(words[sp.from]); }
    var out = [];
    for (var i = 0; i < spans.length; i++) {
      var sa = spans[i];
      if (i + 1 < spans.length && single(sa) && single(spans[i + 1]) && !(open && spans[i + 1].to === words.length)) {
        var sb = spans[i + 1], joined = words[sa.from] + words[sb.from], ts = a.terms(joined);
        if (ts.length === 1 && countRunes(joined) <= MAX_TOKEN_RUNES && dict.inText(ts[0])) {
          out.push({ from: sa.from, to: sb.to, alts: [words[sa.from] + " " + words[sb.from]], joined: joined });
          i++;
          continue;
        }
      }
      out.push(sa);
    }
    return out;
  }

  // split: query.go's. An unknown word of letters as the two known words
  // it joins, the most even split first, or "".
  function split(ix, dict, w) {
    var a = ix.analyzer;
    if (!LETTERS.test(w) || ix.syn.vocab.has(w) || a.isStop(w)) return "";
    var r = Array.from(w);
    if (r.length < 5 || dict.dfWords(w) > 0 || dict.inText(a.stem(w))) return "";
    function known(part) { return a.isStop(part) || dict.inText(a.stem(part)); }
    var best = "", bestMin = 0;
    for (var k = 1; k <= r.length - 2; k++) {
      var left = r.slice(0, k).join(""), right = r.slice(k).join("");
      if ((a.isStop(left) && a.isStop(right)) || !known(left) || !known(right)) continue;
      var m = Math.min(k, r.length - k);
      if (m > bestMin) { best = left + " " + right; bestMin = m; }
    }
    return best;
  }

  function codes(q) {
    var out = [], m;
    CODE.lastIndex = 0;
    while ((m = CODE.exec(q))) out.push(m[0].toLowerCase());
    return out;
  }

  // countRunes counts code points (no lone surrogates are left).
  function countRunes(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) { var c = s.charCodeAt(i); if (c < 0xdc00 || c > 0xdfff) n++; }
    return n;
  }

  // plan analyses q and builds its query tree ({root, corrected, marks,
  // plainMarks}) or {error}.
  function plan(ix, dict, q, prefix) {
    var lim = ix.m.limits, a = ix.analyzer;
    q = q.replace(/[\ud800-\udfff]/gu, " "); // lone surrogates: Go's invalid UTF-8
    if (countRunes(q) > lim.queryRunes) return { error: "query is too long: at most 256 characters" };
    var toks = tokenize(q);
    if (toks.length > lim.queryTerms) return { error: "query has too many words: at most 32" };
    var pl = { root: null, corrected: "", marks: new Set(), plainMarks: new Set() };
    if (!toks.length) return pl;
    var open = prefix && toks[toks.length - 1].end === q.length;
    var words = toks.map(function (t) { return t.text; }), changed = false, splits = {};
    toks.forEach(function (t, i) {
      if (open && i === toks.length - 1 && dict.hasPrefixed(t.text)) return;
      // a typo one edit from a word beats a split; a split beats a further correction
      var c = correct(ix, dict, t.text);
      if (!c || osaDistance(t.text, c) > 1) {
        var sp = split(ix, dict, t.text);
        if (sp) { splits[i] = sp; return; }
      }
      if (c) { words[i] = c; changed = true; }
    });
    if (changed) {
      var b = "", last = 0;
      toks.forEach(function (t, i) {
        b += q.slice(last, t.start) + (words[i] !== t.text ? words[i] : q.slice(t.start, t.end));
        last = t.end;
      });
      pl.corrected = b + q.slice(last);
    }
    function phrase(terms, boost) {
      return group("and", terms.map(function (t) { pl.marks.add(t); return term("text", t, boost); }));
    }
    var kids = [];
    var spans = compounds(a, dict, matchSynonyms(ix.syn, words), words, open);
    spans.forEach(function (sp, i) {
      var s = splits[sp.from];
      if (s && sp.to - sp.from === 1 && sp.alts.length === 1) spans[i] = { from: sp.from, to: sp.to, alts: sp.alts.concat([s]) };
    });
    spans.forEach(function (sp) {
      if (sp.joined) {
        // the words apart, each counting as typed, or joined
        var parts = [], jalts = [];
        words.slice(sp.from, sp.to).forEach(function (w) {
          a.terms(w).forEach(function (t) { pl.marks.add(t); parts.push(term("text", t, 1)); });
        });
        var sg = group("sum", parts);
        if (sg) jalts.push(sg);
        jalts.push(phrase(a.terms(sp.joined), ix.m.weights.joined)); // the one word stands for both typed
        kids.push(group("max", jalts));
        return;
      }
      var alts = [], seen = new Set();
      sp.alts.forEach(function (ph, i) {
        var terms = a.terms(ph), key = terms.join(" ");
        if (!terms.length || seen.has(key)) return;
        seen.add(key);
        alts.push(phrase(terms, i > 0 ? ix.m.weights.synonym : 1));
      });
      if (open && sp.to === words.length && sp.to - sp.from === 1 && sp.alts.length === 1) {
        expansions(ix, dict, words[words.length - 1]).forEach(function (e) {
          var terms = a.terms(e), key = terms.join(" ");
          if (!terms.length || seen.has(key)) return;
          seen.add(key);
          alts.push(group("and", terms.map(function (t) { pl.marks.add(t); return term("short", t, ix.m.weights.prefix); })));
        });
      }
      var g = group("max", alts);
      if (g) kids.push(g);
    });
    codes(q).forEach(function (c) { kids.push(term("errcode", c, ix.m.weights.errExact)); });
    var seenCode = new Set();
    codeWords(q).forEach(function (w) {
      if (seenCode.has(w)) return;
      seenCode.add(w);
      kids.push(term("code", w, ix.m.weights.code));
    });
    if (words.length >= 3) kids.push(term("errmsg", words.join(" "), ix.m.weights.errExact));
    if (!kids.length || kids.every(function (k) { return k.op === "term" && (k.field === "errcode" || k.field === "errmsg" || k.field === "code"); })) {
      var seen = new Set();
      words.forEach(function (w) {
        if (seen.has(w)) return;
        seen.add(w);
        kids.push(term("words", w, ix.m.weights.fallback));
        pl.plainMarks.add(w);
      });
    }
    pl.root = group("sum", kids);
    return pl;
  }

  // ---- loading what a plan needs --------------------------------------------------

  Index.prototype.loadDicts = function (nums) {
    var self = this;
    return Promise.all(nums.map(function (i) {
      var name = self.m.dict.files[i];
      return self.file(name).then(function (b) { self.dicts[i] = self.dicts[i] || self.readDict(b, name); });
    }));
  };

  // planWithDicts plans, loads the dictionary files planning asked for, and
  // plans again, until nothing is missing.
  Index.prototype.planWithDicts = function (q, prefix) {
    var self = this, hints = new Set();
    // Files the query will certainly ask about, loaded in the first round.
    var toks = tokenize(q), words = toks.map(function (t) { return t.text; });
    words.forEach(function (w) { hints.add(w); hints.add(self.analyzer.stem(w)); });
    if (words.length >= 3) hints.add(words.join(" "));
    codes(q).forEach(function (c) { hints.add(c); });
    codeWords(q).forEach(function (c) { hints.add(c); });
    for (var j = 0; j + 1 < words.length; j++) hints.add(self.analyzer.stem(words[j] + words[j + 1]));
    var first = this.m.dict.first, want = new Set();
    hints.forEach(function (h) { var i = chunkFor(first, h); if (i >= 0 && !self.dicts[i]) want.add(i); });
    function round(n) {
      var dict = new Dict(self), pl = plan(self, dict, q, prefix);
      if (!pl.error && dict.missing.size === 0) {
        // the terms of synonyms and completions: which postings they need
        leaves(pl.root, function (l) { dict.entry(l.term); });
        if (dict.missing.size) return self.loadDicts(Array.from(dict.missing)).then(function () { return { pl: pl, dict: new Dict(self) }; });
      }
      if (pl.error || dict.missing.size === 0) return Promise.resolve({ pl: pl, dict: dict });
      if (n > 4) throw corrupt("dictionary: planning did not settle");
      return self.loadDicts(Array.from(dict.missing)).then(function () { return round(n + 1); });
    }
    return this.loadDicts(Array.from(want)).then(function () { return round(0); });
  };

  function leaves(n, f) {
    if (!n) return;
    if (n.op === "term") f(n);
    else n.kids.forEach(function (k) { leaves(k, f); });
  }

  // needsPostings says whether a leaf's term can have postings in its
  // field or fields, from the dictionary (so absent terms cost no download).
  function needsPostings(dict, leaf) {
    var e = dict.entry(leaf.term);
    if (!e) return false;
    var c = e.c, j = e.j;
    switch (leaf.field) {
      case "words": return c.words[j] > 0;
      case "errcode": case "errmsg": return (c.flags[j] & 2) === 2;
      case "text": return c.body[j] > 0 || (c.flags[j] & 1) === 1;
    }
    return (c.flags[j] & 1) === 1; // the short fields
  }

  Index.prototype.loadPostings = function (root, dict) {
    var self = this, want = new Set(), first = this.m.postings.first;
    leaves(root, function (l) {
      if (!needsPostings(dict, l)) return;
      var i = chunkFor(first, l.term);
      if (i >= 0 && !self.posts[i]) want.add(i);
    });
    return Promise.all(Array.from(want).map(function (i) {
      var name = self.m.postings.files[i];
      return self.file(name).then(function (b) { self.posts[i] = self.posts[i] || self.readPostings(b, name); });
    }));
  };

  // ---- scoring: BM25F, internal/search/ranking.go -----------------------------------

  // leafFields: the fields a leaf looks in (a set's, or its own); idfFields:
  // the fields whose largest document frequency is its idf.
  Index.prototype.leafFields = function (field) { return this.m.sets[field] || [field]; };
  Index.prototype.idfFields = function (field) { return this.m.sets[field] ? this.m.idf : [field]; };

  Index.prototype.score = function (root, dict) {
    var self = this, m = this.m, N = m.docs, k1 = m.k1;
    var EMPTY = { docs: new Int32Array(0), scores: new Float64Array(0) };
    function leafScore(l) {
      if (!needsPostings(dict, l)) return EMPTY;
      var i = chunkFor(m.postings.first, l.term);
      if (i < 0) return EMPTY;
      var byField = postingsOf(self.posts[i], l.term), df = 0;
      self.idfFields(l.field).forEach(function (f) { var p = byField[F[f]]; if (p) df = Math.max(df, p.docs.length); });
      var idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
      var fs = [], total = 0;
      self.leafFields(l.field).forEach(function (f) {
        var fi = F[f], p = byField[fi];
        if (!p) return;
        fs.push({ p: p, w: m.weight[fi], norms: self.fieldNorms(fi), pos: 0 });
        total += p.docs.length;
      });
      var docs = new Int32Array(total), scores = new Float64Array(total), n = 0, k;
      for (;;) {
        var next = 0x7fffffff;
        for (k = 0; k < fs.length; k++) if (fs[k].pos < fs[k].p.docs.length && fs[k].p.docs[fs[k].pos] < next) next = fs[k].p.docs[fs[k].pos];
        if (next === 0x7fffffff) break;
        var tf = 0;
        for (k = 0; k < fs.length; k++) {
          var f = fs[k];
          if (f.pos < f.p.docs.length && f.p.docs[f.pos] === next) {
            tf += f.w * f.p.tfs[f.pos] / f.norms[next];
            f.pos++;
          }
        }
        docs[n] = next;
        scores[n++] = l.boost * idf * tf * (k1 + 1) / (tf + k1);
      }
      return { docs: docs.subarray(0, n), scores: scores.subarray(0, n) };
    }
    function walk(n) {
      if (n.op === "term") return leafScore(n);
      return combine(n.kids.map(walk), n.op);
    }
    return walk(root);
  };

  // fieldNorms caches BM25's length normalisation of a field in every
  // document: 1 − b + b·length/average.
  Index.prototype.fieldNorms = function (f) {
    this.norms = this.norms || [];
    if (this.norms[f]) return this.norms[f];
    var lens = this.lens[f], avg = this.m.avgLen[f], b = this.m.b[f], out = new Float64Array(lens.length);
    for (var d = 0; d < lens.length; d++) out[d] = avg > 0 ? 1 - b + b * lens[d] / avg : 1;
    return (this.norms[f] = out);
  };

  // combine merges the matches of a node's children: "and" keeps the
  // documents all match and sums; "sum" keeps those any matches and sums;
  // "max" keeps those any matches and takes the best.
  function combine(kids, op) {
    var k = kids.length, pos = new Int32Array(k), cap = 0, j, c, isAnd = op === "and", isMax = op === "max";
    for (j = 0; j < k; j++) cap = isAnd ? (j === 0 ? kids[j].docs.length : Math.min(cap, kids[j].docs.length)) : cap + kids[j].docs.length;
    var docs = new Int32Array(cap), scores = new Float64Array(cap), n = 0;
    for (;;) {
      var next = 0x7fffffff;
      for (j = 0; j < k; j++) { c = kids[j]; if (pos[j] < c.docs.length && c.docs[pos[j]] < next) next = c.docs[pos[j]]; }
      if (next === 0x7fffffff) break;
      var score = 0, count = 0;
      for (j = 0; j < k; j++) {
        c = kids[j];
        if (pos[j] < c.docs.length && c.docs[pos[j]] === next) {
          score = isMax ? Math.max(score, c.scores[pos[j]]) : score + c.scores[pos[j]];
          count++;
          pos[j]++;
        }
      }
      if (isAnd && count < k) continue;
      docs[n] = next;
      scores[n++] = score;
    }
    return { docs: docs.subarray(0, n), scores: scores.subarray(0, n) };
  }

  // ---- snippets: a port of internal/search/snippet.go ------------------------------------

  var ESC = { "&": "&amp;", "'": "&#39;", "<": "&lt;", ">": "&gt;", '"': "&#34;" };
  function escape(s) { return s.replace(/[&'<>"]/g, function (c) { return ESC[c]; }); }
  var SPACE = "[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
  var TRIM = new RegExp("^" + SPACE + "+|" + SPACE + "+$", "g");
  function trimSpace(s) { return s.replace(TRIM, ""); }

  function snippet(text, a, pl, words) {
    var toks = tokenize(text);
    if (!toks.length) return "";
    var firsts = new Set();
    pl.marks.forEach(function (m) { firsts.add(m[0]); });
    pl.plainMarks.forEach(function (m) { firsts.add(m[0]); });
    var hit = new Array(toks.length), any = false, i;
    for (i = 0; i < toks.length; i++) {
      var t = toks[i].text;
      hit[i] = "";
      if (!firsts.has(t[0])) continue;
      if (pl.plainMarks.has(t)) hit[i] = t;
      else if (!a.isStop(t)) { var s = a.stem(t); if (pl.marks.has(s)) hit[i] = s; }
      if (hit[i]) any = true;
    }
    if (!any) return "";
    var bestStart = 0, bestDistinct = -1, bestCount = -1;
    for (var start = 0; start < toks.length; start++) {
      if (!hit[start]) continue;
      var distinct = new Set(), count = 0;
      for (i = start; i < toks.length && i < start + words; i++) if (hit[i]) { distinct.add(hit[i]); count++; }
      if (distinct.size > bestDistinct || (distinct.size === bestDistinct && count > bestCount)) { bestStart = start; bestDistinct = distinct.size; bestCount = count; }
    }
    var from = Math.max(0, bestStart - 4), to = Math.min(toks.length, from + words);
    if (to - from < words) from = Math.max(0, to - words);
    var b = from > 0 ? "… " : "", pos = toks[from].start;
    for (i = from; i < to; i++) {
      var tk = toks[i];
      b += escape(text.slice(pos, tk.start));
      b += hit[i] ? "<mark>" + escape(text.slice(tk.start, tk.end)) + "</mark>" : escape(text.slice(tk.start, tk.end));
      pos = tk.end;
    }
    b += to < toks.length ? " …" : escape(text.slice(pos));
    return trimSpace(b);
  }

  function markText(text, a, pl) {
    var b = "", pos = 0;
    tokenize(text).forEach(function (t) {
      b += escape(text.slice(pos, t.start));
      var w = escape(text.slice(t.start, t.end));
      if (pl.plainMarks.has(t.text) || (!a.isStop(t.text) && pl.marks.has(a.stem(t.text)))) w = "<mark>" + w + "</mark>";
      b += w;
      pos = t.end;
    });
    return b + escape(text.slice(pos));
  }

  function lead(text, words) {
    var toks = tokenize(text);
    if (toks.length <= words) return escape(trimSpace(text));
    return escape(trimSpace(text.slice(0, toks[words - 1].end))) + " …";
  }

  function makeSnippet(f, a, pl, words) {
    var s = snippet(f.b || "", a, pl, words);
    if (s) return codeMarkup(s);
    if (f.d) return markText(f.d, a, pl);
    return codeMarkup(lead(f.b || "", words));
  }

  // codeMarkup: snippet.go's. The body keeps code spans and URLs between
  // U+E000 and U+E001; they become <code> and </code>, balanced.
  var CODE_START = "\uE000", CODE_END = "\uE001";
  function codeMarkup(s) {
    if (s.indexOf(CODE_START) < 0 && s.indexOf(CODE_END) < 0) return s;
    var head = "", tail = "", out = "", open = false;
    if (s.slice(0, 2) === "… ") { head = "… "; s = s.slice(2); }
    if (s.slice(-2) === " …") { tail = " …"; s = s.slice(0, -2); }
    out = head;
    var i = s.indexOf(CODE_END), j = s.indexOf(CODE_START);
    if (i >= 0 && (j < 0 || i < j)) { out += "<code>"; open = true; }
    for (var k = 0; k < s.length; k++) {
      var c = s[k];
      if (c === CODE_START) { if (!open) { out += "<code>"; open = true; } }
      else if (c === CODE_END) { if (open) { out += "</code>"; open = false; } }
      else out += c;
    }
    if (open) out += "</code>";
    return out + tail;
  }

  // ---- search ---------------------------------------------------------------------------

  Index.prototype.fragment = function (doc) {
    var self = this, name = this.m.fragments + doc + ".bin";
    return this.file(name).then(function (b) {
      var f;
      try { f = JSON.parse(utf8.decode(b)); } catch (e) { throw corrupt(name + ": " + e.message); }
      if (!f || typeof f.i !== "string" || !f.i) throw corrupt(name + ": no id");
      if (!f.u) f.u = self.m.base + f.i;
      return f;
    });
  };

  var TYPES = ["", "article", "faq", "troubleshooting", "release"];

  // search answers params like GET /api/search.
  Index.prototype.search = function (params) {
    var self = this, p = params || {};
    var q = String(p.q == null ? "" : p.q), type = String(p.type || ""), product = String(p.product || "");
    var limit = p.limit == null || p.limit === "" ? 0 : Number(p.limit), facets = p.facets !== false && p.facets !== 0 && p.facets !== "0";
    return this.ready.then(function () {
      var lim = self.m.limits;
      if (TYPES.indexOf(type) < 0) return { error: "unknown type " + JSON.stringify(type) };
      if (!(limit >= 0) || Math.floor(limit) !== limit) return { error: "limit must be a number from 1 to " + lim.maxLimit };
      if (limit === 0) limit = lim.defaultLimit;
      if (limit > lim.maxLimit) limit = lim.maxLimit;
      return self.planWithDicts(q, !!p.prefix).then(function (r) {
        var pl = r.pl;
        if (pl.error) return { error: pl.error };
        // facet counts by value: objects without a prototype, whatever the values
        var resp = { query: q, total: 0, hits: [], facets: { type: Object.create(null), product: Object.create(null) }, corrected: pl.corrected };
        if (!pl.root) return resp;
        return self.loadPostings(pl.root, r.dict).then(function () {
          var res = self.score(pl.root, r.dict), top = [], vals = self.m.values;
          for (var i = 0; i < res.docs.length; i++) {
            var d = res.docs[i], ty = vals[self.types[d]], pr = vals[self.prods[d]];
            var typeOK = !type || ty === type, productOK = !product || pr === product;
            if (facets) {
              if (productOK && ty) resp.facets.type[ty] = (resp.facets.type[ty] || 0) + 1;
              if (typeOK && pr) resp.facets.product[pr] = (resp.facets.product[pr] || 0) + 1;
            }
            if (!typeOK || !productOK) continue;
            resp.total++;
            var s = res.scores[i];
            // keep the best: higher score, then lower document number (id order)
            if (top.length < limit || s > top[top.length - 1].s) {
              var k = top.length;
              while (k > 0 && s > top[k - 1].s) k--;
              top.splice(k, 0, { d: d, s: s });
              if (top.length > limit) top.pop();
            }
          }
          return Promise.all(top.map(function (h) { return self.fragment(h.d); })).then(function (frags) {
            resp.hits = frags.map(function (f, i) {
              return { id: f.i, title: f.t, url: f.u, type: f.y, product: f.p || "", section: f.s || "", page: f.g || "",
                snippet: makeSnippet(f, self.analyzer, pl, lim.snippetWords), score: top[i].s };
            });
            return resp;
          });
        });
      });
    });
  };

  return {
    open: function (url, opts) { return new Index(url, opts); },
    // for tests: the analyzer and its parts
    tokenize: tokenize,
    pluralStem: pluralStem,
    lower: lowerCP,
    isWord: isWordCP,
    Analyzer: Analyzer,
    plainTerms: plainTerms,
    codeWords: codeWords
  };
});
