// kb theme script: progressive enhancement only. Every page works without it.
(function () {
  "use strict";
  var d = document, body = d.body, wide = matchMedia("(min-width: 64em)");
  function $$(sel, root) { return Array.prototype.slice.call((root || d).querySelectorAll(sel)); }
  function el(tag, attrs, text) {
    var e = d.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text) e.textContent = text;
    return e;
  }

  // Mobile navigation: a disclosure button (shown by CSS below 48em).
  var toggle = d.querySelector(".nav-toggle"), nav = d.getElementById("kb-nav");
  if (toggle && nav) {
    var setNav = function (open) {
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("is-open", open);
    };
    toggle.addEventListener("click", function () { setNav(toggle.getAttribute("aria-expanded") !== "true"); });
    nav.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && nav.classList.contains("is-open")) { setNav(false); toggle.focus(); }
    });
  }

  // Colour scheme: the system's, unless the reader pressed the toggle. The
  // choice lives in localStorage ("kb-theme": "light" or "dark"); the inline
  // script in <head> applies it before the first paint. A choice equal to the
  // system's scheme is forgotten, so the page follows the system again.
  var root = d.documentElement, sysDark = matchMedia("(prefers-color-scheme: dark)");
  var themeBtn = d.querySelector("[data-kb-theme]");
  var stored = function () { try { return localStorage.getItem("kb-theme"); } catch (e) { return null; } };
  var apply = function (t) {
    if (t === "light" || t === "dark") root.setAttribute("data-theme", t);
    else root.removeAttribute("data-theme");
    if (themeBtn) themeBtn.setAttribute("aria-pressed", String(isDark()));
  };
  var isDark = function () { var t = root.getAttribute("data-theme"); return t ? t === "dark" : sysDark.matches; };
  if (themeBtn) {
    themeBtn.addEventListener("click", function () {
      var dark = !isDark(), t = dark === sysDark.matches ? "" : dark ? "dark" : "light";
      try { t ? localStorage.setItem("kb-theme", t) : localStorage.removeItem("kb-theme"); } catch (e) { /* kept for this page only */ }
      apply(t);
    });
    var sync = function () { apply(stored()); };
    sync();
    sysDark.addEventListener ? sysDark.addEventListener("change", sync) : sysDark.addListener(sync);
    // Another tab changed it, or this page comes back from the back/forward cache.
    addEventListener("storage", function (e) { if (e.key === "kb-theme" || e.key === null) sync(); });
    addEventListener("pageshow", function (e) { if (e.persisted) sync(); });
  }

  // "On this page": open on wide screens (the sticky rail), collapsed on narrow ones.
  var toc = d.querySelector(".toc__details");
  if (toc) {
    var syncTOC = function () { toc.open = wide.matches; };
    syncTOC();
    wide.addEventListener ? wide.addEventListener("change", syncTOC) : wide.addListener(syncTOC);
    // Highlight the entry of the section being read.
    var links = $$("a[href^='#']", toc), heads = [];
    links.forEach(function (a) {
      var h = d.getElementById(decodeURIComponent(a.hash.slice(1)));
      if (h) heads.push([h, a]);
    });
    if (heads.length && "IntersectionObserver" in window) {
      var current = function () {
        var pick = heads[0][1], limit = innerHeight * 0.4 + 1;
        heads.forEach(function (p) { if (p[0].getBoundingClientRect().top < limit) pick = p[1]; });
        links.forEach(function (a) { a.classList.toggle("is-current", a === pick); });
      };
      var io = new IntersectionObserver(current, { rootMargin: "0px 0px -60% 0px" });
      heads.forEach(function (p) { io.observe(p[0]); });
    }
  }

  // Error codes (SYNC-009, AUTH-401) stay on one line: browsers break lines
  // after a hyphen, and "SYNC-" / "009" reads as two things. Text added later
  // (search results) is kept too.
  var codeRe = /\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b/g;
  var keepCodes = function (node) {
    var walk = d.createTreeWalker(node, 4), texts = [], t; // 4: NodeFilter.SHOW_TEXT
    while ((t = walk.nextNode())) {
      var p = t.parentNode;
      codeRe.lastIndex = 0;
      if (/\d/.test(t.data) && codeRe.test(t.data) && !p.closest(".nowrap, pre, script, style, textarea, template")) texts.push(t);
    }
    texts.forEach(function (t) {
      var s = t.data, frag = d.createDocumentFragment(), last = 0, m;
      codeRe.lastIndex = 0;
      while ((m = codeRe.exec(s))) {
        if (!/\d/.test(m[0])) continue;
        frag.appendChild(d.createTextNode(s.slice(last, m.index)));
        frag.appendChild(el("span", { class: "nowrap" }, m[0]));
        last = m.index + m[0].length;
      }
      if (!last) return;
      frag.appendChild(d.createTextNode(s.slice(last)));
      t.parentNode.replaceChild(frag, t);
    });
  };
  keepCodes(body);
  if (window.MutationObserver) new MutationObserver(function (list) {
    list.forEach(function (r) {
      Array.prototype.forEach.call(r.addedNodes, function (n) {
        if (n.nodeType === 3) n = n.parentNode;
        if (n && n.nodeType === 1 && !n.closest(".nowrap")) keepCodes(n);
      });
    });
  }).observe(body, { childList: true, subtree: true });

  // Permalinks on headings that have ids.
  $$(".prose h2[id], .prose h3[id]").forEach(function (h) {
    var a = el("a", { class: "anchor", href: "#" + h.id });
    a.appendChild(el("span", { "aria-hidden": "true" }, "#"));
    a.appendChild(el("span", { class: "visually-hidden" }, "Link to this section: " + h.textContent));
    h.appendChild(a);
  });

  // Copy buttons on code blocks, with a role="status" confirmation.
  $$("pre.chroma").forEach(function (pre) {
    var bar = el("div", { class: "code__bar" }), lang = pre.getAttribute("data-lang");
    bar.appendChild(el("span", { class: "code__lang" }, lang && lang !== "text" ? lang : ""));
    var status = el("span", { class: "code__status", role: "status" });
    var btn = el("button", { type: "button", class: "code__copy" }, "Copy");
    btn.appendChild(el("span", { class: "visually-hidden" }, " code"));
    bar.appendChild(status);
    bar.appendChild(btn);
    pre.parentNode.insertBefore(bar, pre);
    var timer;
    btn.addEventListener("click", function () {
      var text = pre.textContent.replace(/\n$/, "");
      var done = function (ok) {
        status.textContent = ok ? "Copied" : "Press Ctrl+C to copy";
        clearTimeout(timer);
        timer = setTimeout(function () { status.textContent = ""; }, 3000);
      };
      var fallback = function () {
        var r = d.createRange();
        r.selectNodeContents(pre);
        var sel = getSelection();
        sel.removeAllRanges();
        sel.addRange(r);
        var ok = false;
        try { ok = d.execCommand("copy"); } catch (e) { /* keep the selection */ }
        if (ok) sel.removeAllRanges();
        done(ok);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
      } else fallback();
    });
  });

  // "/" focuses the search box, unless the reader is typing somewhere.
  d.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    var t = e.target;
    if (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) return;
    var input = $$("input[data-kb-search]").filter(function (i) { return i.offsetParent !== null; })[0];
    if (input) { e.preventDefault(); input.focus(); input.select(); }
  });

  // Search UI: load its script on the first focus of a search box, or at once
  // on the search page. Does nothing unless the theme names a script.
  var meta = d.querySelector('meta[name="kb-search-script"]'), loaded = false;
  function loadSearch() {
    if (loaded || !meta || !meta.content) return;
    loaded = true;
    var s = el("script", { src: meta.content });
    s.async = true;
    d.head.appendChild(s);
  }
  if (meta) {
    if (body.classList.contains("kind-search")) loadSearch();
    else d.addEventListener("focusin", function (e) {
      if (e.target.matches && e.target.matches("input[data-kb-search]")) loadSearch();
    });
  }

  // 404: put the words of the missing address in the search box.
  if (body.classList.contains("kind-404")) {
    var q = d.getElementById("kb-q-notfound");
    if (q && !q.value) {
      try {
        q.value = decodeURIComponent(location.pathname).replace(/\/index\.html?$|\.html?$/, "")
          .split("/").filter(Boolean).slice(-1).join(" ").replace(/[-_.+]+|\b404\b/g, " ").trim();
      } catch (e) { /* a malformed address: leave the box empty */ }
    }
  }

  // "Was this article helpful?": post in place and thank; after a No, offer
  // the optional reason and comment (posted as a second answer, which
  // replaces the first). Without script the form posts and kb serve
  // answers with a page that does the same.
  $$("form[data-kb-feedback]").forEach(function (form) {
    var status = form.querySelector("[role=status]"), box = form.closest(".feedback") || form,
      more = form.querySelector(".feedback__more"), last;
    var say = function (text) { if (status) { status.textContent = text; status.focus(); } };
    form.addEventListener("click", function (e) {
      var b = e.target.closest && e.target.closest("button[name]");
      if (b) last = b;
    });
    form.addEventListener("submit", function (e) {
      if (!window.fetch || !window.URLSearchParams || !window.FormData) return;
      e.preventDefault();
      var btn = e.submitter || last, data = new URLSearchParams(new FormData(form));
      if (btn && btn.name) data.set(btn.name, btn.value);
      var second = more && !more.disabled, no = data.get("helpful") === "no";
      var fallback = function () {
        // The normal form post, with the chosen answer.
        if (btn && btn.name) form.appendChild(el("input", { type: "hidden", name: btn.name, value: btn.value }));
        HTMLFormElement.prototype.submit.call(form);
      };
      fetch(form.action, { method: "POST", body: data, headers: { Accept: "application/json" } })
        .then(function (res) {
          if (res.ok) {
            box.classList.add("is-done");
            if (more) more.hidden = more.disabled = second || !no;
            say(second ? "Thanks for telling us." : "Thanks for your feedback.");
            return;
          }
          if (res.status !== 400 && res.status !== 429) throw new Error(res.status);
          return res.json().then(function (b) {
            say(res.status === 429 ? "You have sent many answers; please try again later." : "Not sent: " + (b.error || res.status));
          }, fallback);
        })
        .catch(fallback);
    });
  });

  // Printing: open every <details> so nothing collapsed is lost on paper.
  var reopened = [];
  addEventListener("beforeprint", function () {
    reopened = $$("details:not([open])");
    reopened.forEach(function (x) { x.open = true; });
  });
  addEventListener("afterprint", function () {
    reopened.forEach(function (x) { x.open = false; });
    reopened = [];
  });
})();
