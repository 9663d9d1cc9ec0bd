/* kb search UI: instant results in every search box and on /search/.
 *
 * kb.js loads this script on the first focus of an input[data-kb-search],
 * and at once on the search page. Plain JavaScript, no framework.
 *
 * Backends. Results come from the first available backend, an object
 *   { name: "api", search: function (params, signal) → Promise<result> }
 * where params = { q, type, product, limit, prefix, facets } and result is the
 * JSON of GET /api/search: { query, total, hits: [{ id, title, url, type,
 * product, page, snippet, score }], facets: { type: {}, product: {} },
 * corrected }, snippets being escaped text with <mark> and <code>. A search() that
 * rejects with { unavailable: true } hands over to the next backend; one
 * that resolves { error } shows the message. Other backends can plug in
 * with window.kbSearch.register(backend) (or by listing backends in
 * window.kbSearchBackends before this script runs): registered backends
 * come first.
 *
 * The static index. When the theme names it (data-index: the manifest kb
 * build writes to kb-search/; data-client: static/js/search-index.js), the
 * static backend comes before the API: on a static host it answers, loading
 * the client and the manifest as soon as this script runs (on the first
 * focus of a search box); under kb serve, which writes no static index, the
 * manifest is missing, the backend hands over and the API answers. A
 * missing or corrupt index file makes the backend unavailable for the rest
 * of the visit, so a search never shows wrong or partial results.
 *
 * Recording. Under kb serve the API records each search it answers (not
 * the keystrokes of a query being typed) and answers with its search_id;
 * when the customer opens a result, a beacon (navigator.sendBeacon, which
 * outlives the page being left) tells POST /api/search/click: the search_id
 * and the page, or for a suggestion picked while typing, the query and the
 * page. A static index records nothing: a site without kb serve has no
 * database to record into.
 */
(function () {
  "use strict";
  var d = document;
  if (window.kbSearch) return; // loaded twice
  var meta = d.querySelector('meta[name="kb-search-script"]');
  var API = (meta && meta.getAttribute("data-api")) || "/api/search";
  var PAGE = (meta && meta.getAttribute("data-search-page")) || "/search/";
  var TYPES = ["troubleshooting", "faq", "article", "release"];
  var LABEL = { article: "How-to guide", faq: "FAQ", troubleshooting: "Troubleshooting", release: "Release notes" };
  var uid = 0;

  function unavailable(why) { return { unavailable: true, why: why }; }

  var apiBackend = {
    name: "api",
    search: function (p, signal) {
      var qs = "q=" + encodeURIComponent(p.q) + "&limit=" + p.limit + (p.prefix ? "&prefix=1" : "") + (p.facets === false ? "&facets=0" : "") +
        (p.type ? "&type=" + encodeURIComponent(p.type) : "") + (p.product ? "&product=" + encodeURIComponent(p.product) : "");
      return fetch(API + "?" + qs, { headers: { Accept: "application/json" }, signal: signal }).then(function (res) {
        var json = /json/.test(res.headers.get("Content-Type") || "");
        if (res.status === 400 && json) return res.json().then(function (b) { return { error: b.error || "Bad query" }; });
        if (!res.ok || !json) throw unavailable("HTTP " + res.status);
        return res.json().then(function (b) { b.recorded = true; return b; });
      }, function (err) {
        if (err && err.name === "AbortError") throw err;
        throw unavailable("network");
      });
    }
  };

  var INDEX = meta && meta.getAttribute("data-index"), CLIENT = meta && meta.getAttribute("data-client"), opened = null;

  // openStatic loads the static client and opens the index (once).
  function openStatic() {
    if (!opened) opened = new Promise(function (resolve, reject) {
      function open() {
        try {
          var ix = window.kbSearchIndex.open(new URL(INDEX, location.href).href);
          ix.ready.then(function () { resolve(ix); }, reject);
        } catch (e) { reject(unavailable("static client")); }
      }
      if (window.kbSearchIndex) return open();
      var s = d.createElement("script");
      s.src = CLIENT;
      s.async = true;
      s.onload = function () { if (window.kbSearchIndex) open(); else reject(unavailable("static client")); };
      s.onerror = function () { reject(unavailable("static client")); };
      d.head.appendChild(s);
    });
    return opened;
  }

  var staticBackend = {
    name: "static",
    search: function (p) { return openStatic().then(function (ix) { return ix.search(p); }); }
  };

  var backends = (window.kbSearchBackends || []).concat(INDEX && CLIENT ? [staticBackend] : [], [apiBackend]);
  if (INDEX && CLIENT) openStatic().catch(function () {}); // start loading now: a search is coming
  var dead = {};

  // search asks the backends in order, skipping those that were unavailable.
  function search(params, signal) {
    var i = 0;
    function next() {
      while (i < backends.length && dead[backends[i].name]) i++;
      if (i >= backends.length) return Promise.reject(unavailable("no backend"));
      var b = backends[i];
      return Promise.resolve().then(function () { return b.search(params, signal); }).catch(function (err) {
        if (err && err.unavailable) { dead[b.name] = true; i++; return next(); }
        throw err;
      });
    }
    return next();
  }

  window.kbSearch = {
    search: search,
    register: function (b) { backends.unshift(b); delete dead[b.name]; }
  };

  // beacon tells kb serve which result the customer chose (see Recording).
  function beacon(fields) {
    try { if (navigator.sendBeacon) navigator.sendBeacon(API + "/click", new URLSearchParams(fields)); } catch (e) { /* not recorded */ }
  }

  // ---- rendering helpers ----------------------------------------------------

  function el(tag, attrs, kids) {
    var n = d.createElement(tag);
    for (var k in attrs || {}) {
      if (k === "text") n.textContent = attrs[k];
      else if (attrs[k] != null) n.setAttribute(k, attrs[k]);
    }
    (kids || []).forEach(function (c) { if (c) n.appendChild(typeof c === "string" ? d.createTextNode(c) : c); });
    return n;
  }

  var ENT = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&#34;": '"', "&quot;": '"', "&#39;": "'" };
  function unescapeText(s) { return s.replace(/&(amp|lt|gt|quot|#34|#39);/g, function (m) { return ENT[m]; }); }

  // snippetNode builds a snippet from escaped text with <mark>: only marks
  // become elements; everything else is text, whatever the backend sent.
  // snippetNode builds a snippet's elements from its only markup, <mark>
  // and <code> (code and URLs the page quotes), never as HTML.
  function snippetNode(s) {
    var span = el("span", { "class": "kb-hit__snippet" }), into = span, marked = false;
    String(s || "").split(/(<\/?mark>|<\/?code>)/).forEach(function (part) {
      if (part === "<mark>") marked = true;
      else if (part === "</mark>") marked = false;
      else if (part === "<code>") { into = el("code", {}); span.appendChild(into); }
      else if (part === "</code>") into = span;
      else if (part) into.appendChild(marked ? el("mark", { text: unescapeText(part) }) : d.createTextNode(unescapeText(part)));
    });
    return span;
  }

  // hitNode renders a hit (its title, its type as a badge, the FAQ page of
  // an answer, its snippet): on the results page a link in a list item; in
  // a search box's popup an option, which holds no link (an option's
  // content is presentational: the popup opens data-url on Enter or a click).
  function hitNode(h, id) {
    var type = TYPES.indexOf(h.type) >= 0 ? h.type : "article";
    var meta = el("span", { "class": "kb-hit__meta" }, [el("span", { "class": "badge badge--" + type, text: LABEL[type] })]);
    if (h.page) meta.appendChild(d.createTextNode(" · " + h.page));
    var kids = [
      el("span", { "class": "kb-hit__title", text: h.title || h.url }),
      meta,
      h.snippet ? snippetNode(h.snippet) : null
    ];
    var cls = "kb-hit kb-hit--" + (h.type || "other"), page = String(h.id || "").split("#")[0];
    if (!id) return el("li", { "class": cls }, [el("a", { href: h.url, "class": "kb-hit__link", "data-page": page }, kids)]);
    return el("li", { role: "option", id: id, "aria-selected": "false", "class": cls, "data-url": h.url, "data-page": page }, [el("span", { "class": "kb-hit__link" }, kids)]);
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  // ---- the combobox: one per search box ---------------------------------------

  function Combobox(input, opts) {
    var self = this;
    this.input = input;
    this.opts = opts;
    // With opts.list (the results page) the results are a document of links
    // below the box, not a popup: no combobox roles then.
    this.list = opts.list || el("ul", { "class": "kb-suggest", hidden: "" });
    this.list.id = this.list.id || "kb-listbox-" + (++uid);
    this.live = opts.live || el("p", { "class": "visually-hidden", "aria-live": "polite", role: "status" });
    if (!opts.live) input.parentNode.appendChild(this.live);
    if (!opts.list) {
      this.list.setAttribute("role", "listbox");
      this.list.setAttribute("aria-label", "Search results");
      input.parentNode.insertBefore(this.list, input.nextSibling);
      input.form && input.form.setAttribute("data-kb-combobox", "");
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-controls", this.list.id);
      input.setAttribute("aria-expanded", "false");
      this.list.addEventListener("click", function (e) {
        var opt = e.target.closest && e.target.closest("[data-url]");
        if (opt) self.go(opt);
      });
    } else {
      // Arrow keys move between the result links, and back up to the box.
      this.list.addEventListener("keydown", function (e) {
        if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
        var links = self.links(), i = links.indexOf(d.activeElement);
        if (i < 0) return;
        e.preventDefault();
        if (e.key === "ArrowDown") (links[i + 1] || links[i]).focus();
        else (links[i - 1] || input).focus();
      });
    }
    this.active = -1;
    this.timer = 0;
    this.ctrl = null;
    input.addEventListener("input", function () {
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.run(true); }, 110);
    });
    input.addEventListener("keydown", function (e) { self.key(e); });
    if (!opts.list) {
      input.addEventListener("blur", function () { setTimeout(function () { self.close(); }, 150); });
      input.addEventListener("focus", function () { if (self.input.value.trim() && self.list.children.length) self.open(); });
    }
    this.list.addEventListener("mousedown", function (e) { e.preventDefault(); }); // keep focus in the box
    // kb.js loads this script when a box takes focus: what was typed
    // before it arrived gets its suggestions now, not at the next key.
    if (!opts.list && d.activeElement === input && input.value.trim()) this.timer = setTimeout(function () { self.run(true); }, 0);
  }

  // go opens a suggestion; a result the API found is recorded as chosen.
  Combobox.prototype.go = function (opt) {
    var page = opt.getAttribute("data-page"), f = this.opts.filters || {};
    if (page && this.res && this.res.recorded) beacon({ q: this.res.q, page: page, type: f.type || "", product: f.product || "" });
    location.href = opt.getAttribute("data-url");
  };

  Combobox.prototype.options = function () { return Array.prototype.slice.call(this.list.querySelectorAll('[role="option"]')); };
  Combobox.prototype.links = function () { return Array.prototype.slice.call(this.list.querySelectorAll("a.kb-hit__link")); };

  Combobox.prototype.open = function () {
    if (this.opts.list) return;
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Combobox.prototype.close = function () {
    this.setActive(-1);
    if (this.opts.list) return;
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
  };

  Combobox.prototype.setActive = function (i) {
    var opts = this.options();
    if (this.active >= 0 && opts[this.active]) opts[this.active].setAttribute("aria-selected", "false");
    this.active = i;
    if (i >= 0 && opts[i]) {
      opts[i].setAttribute("aria-selected", "true");
      this.input.setAttribute("aria-activedescendant", opts[i].id);
      if (opts[i].scrollIntoView) opts[i].scrollIntoView({ block: "nearest" });
    } else this.input.removeAttribute("aria-activedescendant");
  };

  Combobox.prototype.key = function (e) {
    var n = this.options().length;
    if (this.opts.list && e.key === "ArrowDown") {
      var first = this.links()[0];
      if (first) { e.preventDefault(); first.focus(); }
      return;
    }
    switch (e.key) {
      case "ArrowDown":
        if (!n) return;
        e.preventDefault();
        this.open();
        this.setActive(this.active + 1 >= n ? 0 : this.active + 1);
        break;
      case "ArrowUp":
        if (!n) return;
        e.preventDefault();
        this.open();
        this.setActive(this.active <= 0 ? n - 1 : this.active - 1);
        break;
      case "Enter":
        var opt = this.options()[this.active];
        if (opt) {
          e.preventDefault();
          this.go(opt);
        } else if (this.opts.onSubmit) {
          e.preventDefault();
          this.opts.onSubmit();
        }
        break;
      case "Escape":
        if (this.active >= 0 || (!this.opts.list && !this.list.hidden)) { e.preventDefault(); this.close(); }
        else if (this.input.value) { e.preventDefault(); this.input.value = ""; this.run(true); }
        break;
    }
  };

  // run searches for the box's text; prefix: the last word is unfinished.
  Combobox.prototype.run = function (prefix) {
    var self = this, q = this.input.value;
    if (this.ctrl) this.ctrl.abort();
    if (!q.trim()) { this.render(null, q); return; }
    var ctrl = this.ctrl = window.AbortController ? new AbortController() : null;
    var params = { q: q, prefix: prefix, limit: this.opts.limit, facets: !!this.opts.filters, type: this.opts.filters ? this.opts.filters.type : "", product: this.opts.filters ? this.opts.filters.product : "" };
    search(params, ctrl && ctrl.signal).then(function (res) {
      if (res) res.q = q;
      if (ctrl === self.ctrl) { self.res = res; self.render(res, q); }
    }, function (err) {
      if (err && err.name === "AbortError") return;
      if (ctrl === self.ctrl) self.render({ unavailable: true }, q);
    });
  };

  Combobox.prototype.render = function (res, q) {
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    if (this.opts.render) return this.opts.render(res, q, this);
    var list = this.list;
    list.textContent = "";
    if (!res) { this.close(); this.live.textContent = ""; return; }
    if (res.unavailable || res.error) {
      list.appendChild(el("li", { "class": "kb-suggest__note", role: "presentation", text: res.error || "Search is not available right now." }));
      this.live.textContent = res.error || "Search is not available right now.";
      this.open();
      return;
    }
    var hits = res.hits || [];
    hits.forEach(function (h, i) { list.appendChild(hitNode(h, list.id + "-o" + i)); });
    var all = el("li", { role: "option", id: list.id + "-all", "aria-selected": "false", "class": "kb-suggest__all", "data-url": PAGE + "?q=" + encodeURIComponent(q),
      text: hits.length ? "See all " + plural(res.total, "result", "results") + " for “" + q + "”" : "No quick matches. Search all pages for “" + q + "”" });
    list.appendChild(all);
    this.live.textContent = hits.length ? plural(res.total, "result", "results") + " available" : "No results";
    this.open();
  };

  // ---- the search page ------------------------------------------------------------

  function SearchPage(root, input) {
    var self = this;
    this.root = root;
    this.input = input;
    this.intro = Array.prototype.slice.call(root.children); // server-rendered browse links
    this.empty = d.querySelector("template[data-kb-search-empty]");
    this.filters = { type: "", product: "" };
    this.status = el("p", { "class": "kb-results__status", role: "status", "aria-live": "polite" });
    this.corrected = el("p", { "class": "kb-results__corrected", hidden: "" });
    this.facets = el("div", { "class": "kb-facets", hidden: "" });
    this.list = el("div", { "class": "kb-results__list", id: "kb-results-list" });
    this.body = el("div", { "class": "kb-results__body" });
    root.insertBefore(el("div", { "class": "kb-results" }, [this.status, this.corrected, this.facets, this.list, this.body]), root.firstChild);
    var params = new URLSearchParams(location.search);
    this.filters.type = params.get("type") || "";
    this.filters.product = params.get("product") || "";
    this.box = new Combobox(input, { list: this.list, live: this.status, limit: 20, filters: this.filters,
      render: function (res, q) { self.render(res, q); },
      onSubmit: function () { self.update(true); self.box.run(false); } });
    input.form && input.form.addEventListener("submit", function (e) { e.preventDefault(); self.update(true); self.box.run(false); });
    var chosen = function (e) {
      var a = e.target.closest && e.target.closest("a[data-page]"), res = self.box.res;
      if (!a || !res || !res.recorded) return;
      var page = a.getAttribute("data-page");
      beacon(res.search_id ? { search: res.search_id, page: page } : { q: res.q, page: page, type: self.filters.type, product: self.filters.product });
    };
    this.list.addEventListener("click", chosen);
    this.list.addEventListener("auxclick", chosen); // opened in a new tab
    input.addEventListener("input", function () { self.update(false); });
    var q = params.get("q") || "";
    if (q) { input.value = q; this.box.run(false); }
    if (!q || d.activeElement === d.body) input.focus();
  }

  // update writes the query and filters into the address, so a search can be linked.
  SearchPage.prototype.update = function (push) {
    var p = new URLSearchParams();
    if (this.input.value) p.set("q", this.input.value);
    if (this.filters.type) p.set("type", this.filters.type);
    if (this.filters.product) p.set("product", this.filters.product);
    var url = location.pathname + (String(p) ? "?" + p : "");
    try { history[push ? "pushState" : "replaceState"](null, "", url); } catch (e) { /* file: URLs */ }
  };

  SearchPage.prototype.showIntro = function (show) {
    this.intro.forEach(function (n) { if (n.nodeType === 1) n.hidden = !show; });
  };

  SearchPage.prototype.render = function (res, q) {
    var self = this;
    this.list.textContent = "";
    this.body.textContent = "";
    this.corrected.hidden = true;
    this.facets.hidden = true;
    if (!res) { this.status.textContent = ""; this.showIntro(true); return; }
    if (res.unavailable) {
      this.status.textContent = "Search is not available right now. You can browse every page by section below.";
      this.showIntro(true);
      return;
    }
    if (res.error) { this.status.textContent = res.error; this.showIntro(false); return; }
    this.showIntro(false);
    var hits = res.hits || [];
    if (res.corrected) {
      this.corrected.textContent = "";
      this.corrected.appendChild(d.createTextNode("Showing results for "));
      this.corrected.appendChild(el("strong", { text: res.corrected }));
      this.corrected.hidden = false;
    }
    this.renderFacets(res);
    var n = res.total || 0;
    // The corrected query is said once, on its own line.
    this.status.textContent = n ? plural(n, "result", "results") + (res.corrected ? "" : " for “" + q + "”") +
      (n > hits.length ? ", showing the top " + hits.length : "") : "No results for “" + (res.corrected || q) + "”";
    if (!hits.length) { this.renderEmpty(); return; }
    // In rank order, the type of each as a badge: the filters narrow by type.
    var ul = el("ul", { "class": "kb-results__hits", "aria-label": "Results" });
    hits.forEach(function (h) { ul.appendChild(hitNode(h)); });
    self.list.appendChild(ul);
  };

  SearchPage.prototype.renderFacets = function (res) {
    var self = this, f = res.facets || {};
    this.facets.textContent = "";
    [["type", "Type", LABEL], ["product", "Product", null]].forEach(function (spec) {
      var key = spec[0], counts = f[key] || {}, names = Object.keys(counts);
      if (key === "type") names.sort(function (a, b) { return TYPES.indexOf(a) - TYPES.indexOf(b); });
      else names.sort();
      if (!names.length || (key === "product" && names.length < 2 && !self.filters.product)) return;
      var total = names.reduce(function (s, k) { return s + counts[k]; }, 0);
      var group = el("div", { role: "group", "aria-label": "Filter by " + spec[1].toLowerCase(), "class": "kb-facet" }, [
        el("span", { "class": "kb-facet__label", text: spec[1] + ":" })]);
      [""].concat(names).forEach(function (name) {
        var label = name ? (spec[2] && spec[2][name]) || name : "All";
        var count = name ? counts[name] : total;
        var b = el("button", { type: "button", "class": "kb-facet__option", "aria-pressed": String(self.filters[key] === name), "data-facet": key, "data-value": name }, [
          label + " ", el("span", { "class": "kb-facet__count", text: "(" + count + ")" })]);
        b.addEventListener("click", function () {
          self.filters[key] = name;
          self.update(false);
          self.box.run(false);
        });
        group.appendChild(b);
      });
      self.facets.appendChild(group);
      self.facets.hidden = false;
    });
  };

  SearchPage.prototype.renderEmpty = function () {
    if (this.empty && this.empty.content) this.body.appendChild(d.importNode(this.empty.content, true));
    else this.body.appendChild(el("p", { text: "Try fewer words, check the spelling, or paste the exact error code." }));
    this.showIntro(true);
  };

  // ---- wire up ------------------------------------------------------------------

  var results = d.querySelector("[data-kb-results]");
  Array.prototype.forEach.call(d.querySelectorAll("input[data-kb-search]"), function (input) {
    if (input.getAttribute("role") === "combobox") return;
    if (results && input.id === "kb-q-page") new SearchPage(results, input);
    else new Combobox(input, { limit: 6, onSubmit: function () { input.form ? input.form.submit() : (location.href = PAGE + "?q=" + encodeURIComponent(input.value)); } });
  });
})();
