// kb serve live reload: listens for rebuilds over Server-Sent Events,
// reloads the page (keeping the scroll position) when it or a file it
// loaded changed, or swaps only its stylesheet, and shows build errors and
// lint findings in the page. A rebuild that changed nothing this tab shows
// leaves it alone.
(function () {
  "use strict";
  var KEY = "kb-live-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(KEY);
  if (saved !== null) {
    sessionStorage.removeItem(KEY);
    window.addEventListener("load", function () { window.scrollTo(0, +saved); });
  }
  var here = location.pathname.replace(/index\.html$/, "");
  var perf = window.performance && performance.getEntriesByType ? performance : null;
  if (perf && perf.setResourceTimingBufferSize) perf.setResourceTimingBufferSize(2000);
  var dismissed = false;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }

  function where(p) {
    return p.file + (p.line ? ":" + p.line + (p.col ? ":" + p.col : "") : "");
  }

  function render(st) {
    var old = document.getElementById("kb-live-overlay");
    if (old) old.remove();
    var oldPanel = document.getElementById("kb-live-panel");
    if (oldPanel) oldPanel.remove();
    if (st.errors.length) {
      var box = el("div", { id: "kb-live-overlay", role: "alertdialog", "aria-modal": "false", "aria-labelledby": "kb-live-title",
        style: "position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,20,.88);color:#fff;overflow:auto;padding:2rem;font:15px/1.5 ui-monospace,Menlo,Consolas,monospace" });
      box.appendChild(el("h2", { id: "kb-live-title", style: "margin:0 0 1rem;font:bold 1.25rem system-ui,sans-serif;color:#ffb4b4" },
        st.errors.length === 1 ? "1 problem stops the build" : st.errors.length + " problems stop the build"));
      box.appendChild(el("p", { style: "margin:0 0 1rem;font-family:system-ui,sans-serif" }, "kb is still serving the last good version. Fix the file and save; this box goes away by itself."));
      var ul = el("ul", { style: "list-style:none;margin:0;padding:0" });
      st.errors.forEach(function (p) {
        var li = el("li", { style: "margin:0 0 .75rem;padding:.75rem;border-left:4px solid #ff6b6b;background:rgba(255,255,255,.06)" });
        li.appendChild(el("div", { style: "color:#9ecbff" }, where(p)));
        li.appendChild(el("div", {}, (p.rule ? p.rule + ": " : "") + p.message));
        ul.appendChild(li);
      });
      box.appendChild(ul);
      document.body.appendChild(box);
      return;
    }
    var mine = st.warnings.filter(function (p) { return p.url === here; });
    if (!mine.length || dismissed) return;
    var panel = el("aside", { id: "kb-live-panel", "aria-label": "Lint findings for this page",
      style: "position:fixed;right:1rem;bottom:1rem;z-index:2147483646;max-width:28rem;max-height:40vh;overflow:auto;background:#fffbe6;color:#3b2f00;border:1px solid #d4a72c;border-radius:6px;padding:.75rem 1rem;font:14px/1.45 system-ui,sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.2)" });
    var close = el("button", { type: "button", style: "float:right;font:inherit;cursor:pointer", "aria-label": "Dismiss lint findings" }, "×");
    close.addEventListener("click", function () { dismissed = true; panel.remove(); });
    panel.appendChild(close);
    panel.appendChild(el("strong", {}, mine.length === 1 ? "1 lint finding" : mine.length + " lint findings"));
    var list = el("ul", { style: "margin:.5rem 0 0;padding-left:1.1rem" });
    mine.forEach(function (p) {
      list.appendChild(el("li", {}, where(p) + " " + p.level + ": " + (p.rule ? p.rule + ": " : "") + p.message));
    });
    panel.appendChild(list);
    document.body.appendChild(panel);
  }

  function refresh() {
    fetch("/_kb/status", { cache: "no-store" }).then(function (r) { return r.json(); }).then(render).catch(function () {});
  }

  function swapCSS(href) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    links.forEach(function (l) {
      if (/\/css\//.test(l.getAttribute("href"))) {
        var n = l.cloneNode();
        n.href = href;
        n.onload = function () { l.remove(); };
        l.after(n);
      }
    });
  }

  // The page this tab shows, named as the server names changed pages: its
  // path, or /404.html when the server answered 404.
  function shown() {
    var nav = perf && perf.getEntriesByType("navigation")[0];
    return nav && nav.responseStatus === 404 ? "/404.html" : here;
  }

  // Whether this tab loaded one of the paths (an image, a script, a fetch).
  function loadedAny(paths) {
    if (!paths || !paths.length || !perf) return false;
    var changed = {};
    paths.forEach(function (p) { changed[p] = true; });
    return perf.getEntriesByType("resource").some(function (e) {
      try {
        var u = new URL(e.name);
        return u.origin === location.origin && changed[u.pathname] === true;
      } catch (err) {
        return false;
      }
    });
  }

  var es = new EventSource("/_kb/events");
  es.addEventListener("hello", refresh);
  es.addEventListener("change", function (m) {
    var ev = JSON.parse(m.data);
    if (ev.kind === "css" && ev.css) {
      swapCSS(ev.css);
      refresh();
    } else if (ev.kind === "reload" && ((ev.pages || []).indexOf(shown()) >= 0 || loadedAny(ev.assets))) {
      sessionStorage.setItem(KEY, String(window.scrollY));
      location.reload();
    } else {
      refresh();
    }
  });
})();
