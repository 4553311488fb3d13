// ladder default theme: client-side search and the compare picker. No framework.
// Data comes from JSON files written by `ladder build`; text is inserted with
// textContent, HTML fields (already sanitised by the build) with innerHTML.
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    }
    if (text != null) node.textContent = text;
    return node;
  }

  // Shared with the theme's other scripts (workbook.js), which load after this one.
  window.ladderTheme = { el: el };

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("cannot load " + url + ": " + r.status);
      return r.json();
    });
  }

  // ---------------------------------------------------------------- search
  var indexPromise = null;
  function loadIndex() {
    if (!indexPromise) {
      var url = document.body.getAttribute("data-search-index");
      indexPromise = getJSON(url).then(function (entries) {
        entries.forEach(function (e) {
          e.hay = (e.t + " " + e.x + " " + e.c).toLowerCase();
          e.title = e.t.toLowerCase();
        });
        return entries;
      });
    }
    return indexPromise;
  }

  function words(q) {
    return q.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
  }

  function search(entries, q, limit) {
    var ws = words(q);
    if (!ws.length) return [];
    var hits = [];
    for (var i = 0; i < entries.length; i++) {
      var e = entries[i];
      var all = true;
      for (var j = 0; j < ws.length; j++) {
        if (e.hay.indexOf(ws[j]) < 0) { all = false; break; }
      }
      if (!all) continue;
      var score = 0;
      for (var k = 0; k < ws.length; k++) if (e.title.indexOf(ws[k]) >= 0) score += 10;
      if (e.k === "track" || e.k === "level") score += 3;
      hits.push({ score: score, order: i, e: e });
    }
    hits.sort(function (a, b) { return b.score - a.score || a.order - b.order; });
    return hits.slice(0, limit).map(function (h) { return h.e; });
  }

  // Appends `text` to `node`, wrapping each occurrence of a query word in <mark>.
  function highlight(node, text, ws) {
    var lower = text.toLowerCase();
    var pos = 0;
    while (pos < text.length) {
      var best = -1, len = 0;
      ws.forEach(function (w) {
        var at = lower.indexOf(w, pos);
        if (at >= 0 && (best < 0 || at < best)) { best = at; len = w.length; }
      });
      if (best < 0) break;
      node.appendChild(document.createTextNode(text.slice(pos, best)));
      node.appendChild(el("mark", null, text.slice(best, best + len)));
      pos = best + len;
    }
    node.appendChild(document.createTextNode(text.slice(pos)));
  }

  function snippet(text, ws) {
    var lower = text.toLowerCase();
    var at = -1;
    ws.forEach(function (w) {
      var i = lower.indexOf(w);
      if (i >= 0 && (at < 0 || i < at)) at = i;
    });
    var start = Math.max(0, at - 60);
    var out = text.slice(start, start + 180);
    return (start > 0 ? "…" : "") + out + (start + 180 < text.length ? "…" : "");
  }

  var KIND = { track: "Track", level: "Level", competency: "Competency", responsibility: "Responsibility", page: "Page" };

  function renderHits(container, hits, q) {
    container.textContent = "";
    var ws = words(q);
    if (!hits.length) {
      container.appendChild(el("p", { "class": "search-empty" }, "Nothing matches “" + q + "”."));
      return;
    }
    var list = el("ol");
    hits.forEach(function (e) {
      var li = el("li");
      var a = el("a", { "class": "search-hit", href: e.u });
      var title = el("span", { "class": "hit-title" });
      highlight(title, e.t, ws);
      a.appendChild(title);
      a.appendChild(el("span", { "class": "hit-kind" }, KIND[e.k] || e.k));
      a.appendChild(el("span", { "class": "hit-context" }, e.c));
      if (e.x) {
        var text = el("span", { "class": "hit-text" });
        highlight(text, snippet(e.x, ws), ws);
        a.appendChild(text);
      }
      li.appendChild(a);
      list.appendChild(li);
    });
    container.appendChild(list);
  }

  // What a polite status line says after a search: screen readers hear the count,
  // not the whole list.
  function resultCount(hits, limit, q) {
    if (!hits.length) return "Nothing matches “" + q + "”.";
    return hits.length + (hits.length === limit ? "+" : "") + " result" + (hits.length === 1 ? "" : "s") + " for “" + q + "”";
  }

  function setupHeaderSearch() {
    var input = document.getElementById("search-input");
    var box = document.getElementById("search-results");
    if (!input || !box) return;
    var status = input.form.querySelector("[role=status]");
    var timer = null;
    function say(text) { if (status) status.textContent = text; }
    function close() {
      box.hidden = true;
      say("");
    }
    function run() {
      var q = input.value.trim();
      if (!q) { close(); return; }
      loadIndex().then(function (entries) {
        if (input.value.trim() !== q) return;
        var hits = search(entries, q, 12);
        renderHits(box, hits, q);
        box.hidden = false;
        say(resultCount(hits, 12, q) + (hits.length ? "; the down arrow moves through them" : ""));
      }).catch(function (err) {
        box.textContent = "";
        box.appendChild(el("p", { "class": "search-empty" }, "Search is unavailable: " + err.message));
        box.hidden = false;
        say("Search is unavailable");
      });
    }
    input.addEventListener("focus", function () { loadIndex().catch(function () {}); });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 60);
    });
    function links() { return Array.prototype.slice.call(box.querySelectorAll("a")); }
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown" && !box.hidden) {
        var first = links()[0];
        if (first) { first.focus(); ev.preventDefault(); }
      } else if (ev.key === "Escape") {
        close();
      }
    });
    box.addEventListener("keydown", function (ev) {
      var all = links();
      var i = all.indexOf(document.activeElement);
      if (ev.key === "ArrowDown" && i < all.length - 1) { all[i + 1].focus(); ev.preventDefault(); }
      else if (ev.key === "ArrowUp") { (i > 0 ? all[i - 1] : input).focus(); ev.preventDefault(); }
      else if (ev.key === "Escape") { close(); input.focus(); }
    });
    document.addEventListener("click", function (ev) {
      if (!box.hidden && !input.form.contains(ev.target)) close();
    });
  }

  function setupSearchPage() {
    var input = document.getElementById("search-page-input");
    var out = document.getElementById("search-page-results");
    var status = document.getElementById("search-page-status");
    if (!input || !out) return;
    function say(text) { if (status) status.textContent = text; }
    var q = new URLSearchParams(window.location.search).get("q") || "";
    input.value = q;
    function run() {
      var query = input.value.trim();
      if (!query) { out.textContent = ""; say(""); return; }
      loadIndex().then(function (entries) {
        var hits = search(entries, query, 100);
        if (hits.length) renderHits(out, hits, query);
        else out.textContent = "";
        say(resultCount(hits, 100, query));
      }).catch(function (err) {
        out.textContent = "";
        say("Search is unavailable: " + err.message);
      });
    }
    input.form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var url = new URL(window.location.href);
      url.searchParams.set("q", input.value.trim());
      window.history.replaceState(null, "", url);
      run();
    });
    input.addEventListener("input", run);
    if (q) run();
  }

  // ---------------------------------------------------------------- picker
  function setupPicker() {
    var form = document.getElementById("picker");
    var out = document.getElementById("picker-output");
    if (!form || !out) return;
    var a = document.getElementById("pick-a");
    var b = document.getElementById("pick-b");
    var params = new URLSearchParams(window.location.search);
    function choose(select, value) {
      if (!value) return;
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === value) { select.selectedIndex = i; return; }
      }
    }
    choose(a, params.get("a"));
    choose(b, params.get("b"));

    getJSON(form.getAttribute("data-levels")).then(function (data) {
      var byKey = {};
      data.levels.forEach(function (l) { byKey[l.key] = l; });
      function render() {
        var left = byKey[a.value], right = byKey[b.value];
        out.textContent = "";
        if (!left || !right) return;
        var url = new URL(window.location.href);
        url.searchParams.set("a", a.value);
        url.searchParams.set("b", b.value);
        window.history.replaceState(null, "", url);
        out.appendChild(table(left, right, byKey));
      }
      a.addEventListener("change", render);
      b.addEventListener("change", render);
      document.getElementById("pick-swap").addEventListener("click", function () {
        var t = a.value; choose(a, b.value); choose(b, t); render();
      });
      render();
    }).catch(function (err) {
      out.textContent = "The levels could not be loaded: " + err.message;
    });
  }

  // The plain words of an HTML fragment, to match responsibilities on their text.
  function plainText(html) {
    var d = document.createElement("div");
    d.innerHTML = html;
    return d.textContent.replace(/\s+/g, " ").trim();
  }

  // A level's own responsibilities, then the ones it inherits (walking `inherits`,
  // nearest ancestor first, as the level page lists them: each text once), as one
  // HTML list.
  function responsibilities(level, byKey) {
    var items = level.responsibilities.map(function (html) { return { html: html }; });
    var said = {};
    items.forEach(function (it) { said[plainText(it.html)] = true; });
    var seen = {};
    seen[level.key] = true;
    var p = level.inherits ? byKey[level.inherits] : null;
    while (p && !seen[p.key] && items.length < 200) {
      seen[p.key] = true;
      p.responsibilities.forEach(function (html, i) {
        var text = plainText(html);
        if (said[text]) return;
        said[text] = true;
        items.push({ html: html, from: p, anchor: "r-" + (p.responsibility_ids || [])[i] });
      });
      p = p.inherits ? byKey[p.inherits] : null;
    }
    if (!items.length) return "";
    var ul = el("ul", { "class": "responsibilities" });
    items.forEach(function (it) {
      var li = el("li");
      li.innerHTML = it.html;
      if (it.from) {
        li.className = "inherited";
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("a", { "class": "origin", href: it.from.url + "#" + it.anchor }, "inherited from " + (it.from.code || it.from.title)));
      }
      ul.appendChild(li);
    });
    return ul.outerHTML;
  }

  function table(left, right, byKey) {
    var wrap = el("div", { "class": "table-scroll", tabindex: "0", role: "region", "aria-label": "Two levels side by side" });
    var t = el("table", { "class": "compare", id: "picker-table" });
    var head = el("tr");
    var corner = el("th", { scope: "col" });
    corner.appendChild(el("span", { "class": "visually-hidden" }, "Label"));
    head.appendChild(corner);
    [left, right].forEach(function (l) {
      var th = el("th", { scope: "col" });
      th.appendChild(el("span", { "class": "track-name" }, l.track));
      th.appendChild(el("a", { href: l.url }, l.title));
      if (l.code) {
        th.appendChild(document.createTextNode(" "));
        th.appendChild(el("span", { "class": "code" }, l.code));
      }
      th.appendChild(el("span", { "class": "band-name" }, "Band " + l.band + (l.band_high ? "–" + l.band_high : "") + (l.band_name ? " · " + l.band_name : "")));
      head.appendChild(th);
    });
    var thead = el("thead");
    thead.appendChild(head);
    t.appendChild(thead);
    var body = el("tbody");
    function row(label, cells) {
      var tr = el("tr");
      tr.appendChild(el("th", { scope: "row" }, label));
      cells.forEach(function (html) {
        var td = el("td");
        if (html) {
          var div = el("div", { "class": "prose" });
          div.innerHTML = html;
          td.appendChild(div);
        } else {
          td.className = "gap";
          td.appendChild(el("span", { "aria-hidden": "true" }, "—"));
          td.appendChild(el("span", { "class": "visually-hidden" }, "Not described at this level"));
        }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    }
    row("Summary", [left.summary, right.summary]);
    var labels = [], seen = {};
    [left, right].forEach(function (l) {
      l.competencies.forEach(function (c) {
        if (!seen[c[0]]) { seen[c[0]] = true; labels.push([c[0], c[1]]); }
      });
    });
    function find(l, key) {
      for (var i = 0; i < l.competencies.length; i++) if (l.competencies[i][0] === key) return l.competencies[i][2];
      return "";
    }
    labels.forEach(function (lab) { row(lab[1], [find(left, lab[0]), find(right, lab[0])]); });
    var lr = responsibilities(left, byKey), rr = responsibilities(right, byKey);
    if (lr || rr) row("Responsibilities", [lr, rr]);
    t.appendChild(body);
    wrap.appendChild(t);
    return wrap;
  }

  function setupPrint() {
    var buttons = document.querySelectorAll("[data-print]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () { window.print(); });
    }
  }

  function start() {
    setupHeaderSearch();
    setupSearchPage();
    setupPicker();
    setupPrint();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
