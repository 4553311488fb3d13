// ladder default theme: the self-assessment workbook of a level page. No framework.
//
// A reader turns the workbook on and rates every competency and responsibility of the
// level (not yet, working towards, meets, exceeds), with a note. Everything stays in
// this browser's localStorage, one entry per level:
//
//   key   "ladder-workbook:" + ladder title + ":" + track id + "/" + level id
//   value {"v": 1, "on": true, "items": {ITEM: {"r": rating, "n": note,
//          "h": hash of the item's text when rated, "t": that text, "l": its label,
//          "at": ISO date}}}
//
// ITEM is the `data-item` attribute the build puts on each item (its stable id). An
// item whose text no longer hashes as it did when rated is flagged "changed since you
// rated it"; a rating whose item id is gone (a default id follows the text) moves to
// the most similar item of the level and is flagged the same way. Nothing is sent
// anywhere; without JavaScript the page reads as it always did.
(function () {
  "use strict";

  var RATINGS = [
    ["not-yet", "Not yet"],
    ["working-towards", "Working towards"],
    ["meets", "Meets"],
    ["exceeds", "Exceeds"]
  ];
  var RATING_NAME = {};
  RATINGS.forEach(function (r) { RATING_NAME[r[0]] = r[1]; });

  // Builds an element (ladder.js, loaded first, defines it for every script).
  var el = window.ladderTheme && window.ladderTheme.el;

  // FNV-1a, 32 bits, over the UTF-16 code units of the normalised text: enough to
  // notice an edit, and the same in every browser.
  function hash(text) {
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return ("0000000" + h.toString(16)).slice(-8);
  }

  function normalise(text) {
    return text.replace(/\s+/g, " ").trim();
  }

  // The words of a text, for matching a rating whose item id went away.
  function wordSet(text) {
    var set = {};
    text.toLowerCase().split(/[^\p{L}\p{N}]+/u).forEach(function (w) {
      if (w) set[w] = true;
    });
    return set;
  }

  function similarity(a, b) {
    var wa = wordSet(a), wb = wordSet(b);
    var na = Object.keys(wa).length, nb = Object.keys(wb).length;
    if (!na || !nb) return 0;
    var common = 0;
    Object.keys(wa).forEach(function (w) { if (wb[w]) common++; });
    return (2 * common) / (na + nb);
  }

  // The text a reader is rated against: the item without the links and controls
  // around it.
  function itemText(node) {
    var copy = node.cloneNode(true);
    copy.querySelectorAll(".origin, .anchor, .suggest, .wb, [data-wb-skip]")
      .forEach(function (n) { n.remove(); });
    var heading = copy.querySelector("h3");
    if (heading) heading.remove();
    return normalise(copy.textContent);
  }

  function itemLabel(node) {
    var heading = node.querySelector("h3");
    if (heading) {
      var copy = heading.cloneNode(true);
      copy.querySelectorAll(".anchor, .suggest").forEach(function (n) { n.remove(); });
      return normalise(copy.textContent);
    }
    return "Responsibilities";
  }

  function load(key) {
    try {
      var raw = window.localStorage.getItem(key);
      var data = raw ? JSON.parse(raw) : null;
      if (data && data.v === 1 && data.items && typeof data.items === "object") return data;
    } catch (e) { /* unreadable or blocked storage: start empty */ }
    return { v: 1, on: false, items: {} };
  }

  function save(key, data) {
    try {
      window.localStorage.setItem(key, JSON.stringify(data));
      return true;
    } catch (e) {
      return false;
    }
  }

  function csvCell(s) {
    s = String(s == null ? "" : s);
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function download(name, type, text) {
    var blob = new Blob([text], { type: type });
    var url = URL.createObjectURL(blob);
    var a = el("a", { href: url, download: name });
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
  }

  function setup() {
    var panel = document.getElementById("workbook");
    if (!panel || !el) return;
    try {
      if (!window.localStorage) return;
    } catch (e) {
      return; // storage blocked (a privacy setting): the page reads as before
    }
    var ladder = panel.getAttribute("data-ladder") || "";
    var level = panel.getAttribute("data-level") || "";
    var key = "ladder-workbook:" + ladder + ":" + level;
    var data = load(key);

    var items = Array.prototype.slice.call(document.querySelectorAll("main [data-item]"))
      .filter(function (node) { return !node.closest(".changes"); })
      .map(function (node, i) {
        var text = itemText(node);
        return {
          node: node,
          id: node.getAttribute("data-item"),
          text: text,
          hash: hash(text),
          label: itemLabel(node),
          index: i
        };
      });
    if (!items.length) return;
    var byId = {};
    items.forEach(function (it) { byId[it.id] = it; });

    // Ratings whose item id is gone follow the most similar item left unrated.
    var moved = false;
    Object.keys(data.items).forEach(function (id) {
      if (byId[id]) return;
      var old = data.items[id];
      var best = null, bestScore = 0.5;
      items.forEach(function (it) {
        if (data.items[it.id]) return;
        var score = similarity(old.t || "", it.text);
        if (score > bestScore) { best = it; bestScore = score; }
      });
      if (best) {
        data.items[best.id] = old;
        delete data.items[id];
        moved = true;
      }
    });
    if (moved) save(key, data);

    var status = panel.querySelector("[data-wb-status]");
    var toggle = panel.querySelector("[data-wb-toggle]");
    var body = panel.querySelector("[data-wb-body]");
    var summary = panel.querySelector("[data-wb-summary]");
    panel.hidden = false;

    function say(text) { if (status) status.textContent = text; }

    function store() {
      if (!save(key, data)) say("Your browser did not let this page save your ratings.");
    }

    function changed(it) {
      var saved = data.items[it.id];
      return !!(saved && saved.r && saved.h && saved.h !== it.hash);
    }

    function renderSummary() {
      var labels = [], rows = {};
      items.forEach(function (it) {
        if (!rows[it.label]) {
          rows[it.label] = { total: 0, counts: {}, unrated: 0, changed: 0 };
          labels.push(it.label);
        }
        var row = rows[it.label];
        row.total++;
        var saved = data.items[it.id];
        if (saved && saved.r) row.counts[saved.r] = (row.counts[saved.r] || 0) + 1;
        else row.unrated++;
        if (changed(it)) row.changed++;
      });
      var table = el("table", { class: "wb-summary-table" });
      var caption = el("caption", null, "Your ratings by label");
      table.appendChild(caption);
      var head = el("tr");
      head.appendChild(el("th", { scope: "col" }, "Label"));
      RATINGS.forEach(function (r) { head.appendChild(el("th", { scope: "col" }, r[1])); });
      head.appendChild(el("th", { scope: "col" }, "Not rated"));
      var thead = el("thead");
      thead.appendChild(head);
      table.appendChild(thead);
      var tbody = el("tbody");
      var rated = 0;
      labels.forEach(function (label) {
        var row = rows[label];
        var tr = el("tr");
        var th = el("th", { scope: "row" }, label);
        if (row.changed) th.appendChild(el("span", { class: "wb-flag" }, " (" + row.changed + " changed since rated)"));
        tr.appendChild(th);
        RATINGS.forEach(function (r) { tr.appendChild(el("td", null, String(row.counts[r[0]] || 0))); });
        tr.appendChild(el("td", null, String(row.unrated)));
        rated += row.total - row.unrated;
        tbody.appendChild(tr);
      });
      table.appendChild(tbody);
      summary.textContent = "";
      summary.appendChild(el("p", { class: "wb-progress" },
        rated + " of " + items.length + " item" + (items.length === 1 ? "" : "s") + " rated."));
      var scroll = el("div", { class: "wb-summary-scroll", role: "group", "aria-label": "Your ratings by label", tabindex: "0" });
      scroll.appendChild(table);
      summary.appendChild(scroll);
    }

    function renderPrint(it) {
      var saved = data.items[it.id] || {};
      var box = it.node.querySelector(".wb-print");
      box.textContent = "";
      RATINGS.forEach(function (r) {
        box.appendChild(el("span", { class: "wb-box" }, (saved.r === r[0] ? "☒ " : "☐ ") + r[1]));
      });
      box.appendChild(el("span", { class: "wb-lines" }, saved.n ? "Note: " + saved.n : "Note:"));
    }

    function renderFlag(it) {
      var flag = it.node.querySelector(".wb-changed");
      flag.hidden = !changed(it);
    }

    function rate(it, rating) {
      var saved = data.items[it.id] || {};
      saved.r = rating;
      saved.h = it.hash;
      saved.t = it.text;
      saved.l = it.label;
      saved.at = new Date().toISOString().slice(0, 10);
      data.items[it.id] = saved;
      store();
      renderFlag(it);
      renderPrint(it);
      renderSummary();
    }

    // The controls of one item: four radios in a fieldset, a note, a flag.
    items.forEach(function (it) {
      var saved = data.items[it.id] || {};
      var box = el("div", { class: "wb wb-item" });
      var short = it.label === "Responsibilities"
        ? it.text.split(" ").slice(0, 8).join(" ") + (it.text.split(" ").length > 8 ? "…" : "")
        : it.label;
      var fieldset = el("fieldset", { class: "wb-controls" });
      fieldset.appendChild(el("legend", { class: "wb-legend" }, "Your rating: " + short));
      var name = "wb-" + it.index;
      RATINGS.forEach(function (r) {
        var id = name + "-" + r[0];
        var input = el("input", { type: "radio", name: name, id: id, value: r[0] });
        if (saved.r === r[0]) input.checked = true;
        input.addEventListener("change", function () { if (input.checked) rate(it, r[0]); });
        var label = el("label", { for: id, class: "wb-choice" });
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + r[1]));
        fieldset.appendChild(label);
      });
      var noteId = name + "-note";
      var note = el("div", { class: "wb-note wb-controls" });
      note.appendChild(el("label", { for: noteId }, "Note (evidence, examples)"));
      var area = el("textarea", { id: noteId, rows: "2" });
      area.value = saved.n || "";
      area.addEventListener("input", function () {
        var s = data.items[it.id] || {};
        s.n = area.value;
        if (!s.h) { s.h = it.hash; s.t = it.text; s.l = it.label; }
        data.items[it.id] = s;
        store();
        renderPrint(it);
      });
      note.appendChild(area);
      var flag = el("p", { class: "wb-changed wb-controls", role: "note" });
      flag.appendChild(el("strong", null, "Changed since you rated it. "));
      flag.appendChild(document.createTextNode("The ladder's text of this item was edited after you rated it; read it again. "));
      var keep = el("button", { type: "button", class: "wb-keep" }, "Keep my rating");
      keep.addEventListener("click", function () {
        var s = data.items[it.id];
        if (s) { s.h = it.hash; s.t = it.text; store(); }
        renderFlag(it);
        renderSummary();
        say("Rating kept for the new text.");
      });
      flag.appendChild(keep);
      box.appendChild(flag);
      box.appendChild(fieldset);
      box.appendChild(note);
      box.appendChild(el("div", { class: "wb-print", "aria-hidden": "true" }));
      it.node.appendChild(box);
      renderFlag(it);
      renderPrint(it);
    });

    function setOn(on) {
      data.on = on;
      document.body.classList.toggle("workbook-on", on);
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
      toggle.textContent = on ? "Hide the workbook" : "Assess yourself against this level";
      body.hidden = !on;
    }

    toggle.addEventListener("click", function () {
      setOn(!data.on);
      store();
      say(data.on ? "Workbook on: each item now has a rating and a note." : "Workbook hidden. Your ratings are kept.");
    });

    function markdown() {
      var title = panel.getAttribute("data-level-title") || "";
      var version = panel.getAttribute("data-version");
      var lines = ["# Promotion case: " + title, ""];
      lines.push("Ladder: " + ladder + (version ? ", version " + version : "") +
        ". Track: " + (panel.getAttribute("data-track-title") || "") +
        ". Exported " + new Date().toISOString().slice(0, 10) + ".");
      lines.push("");
      var label = null;
      items.forEach(function (it) {
        var saved = data.items[it.id] || {};
        if (it.label !== label) {
          label = it.label;
          lines.push("## " + label, "");
        }
        lines.push("- " + it.text + " (`" + it.id + "`)");
        lines.push("  - My rating: " + (saved.r ? RATING_NAME[saved.r] : "not rated") +
          (changed(it) ? " (changed since I rated it)" : ""));
        if (saved.n) lines.push("  - Notes: " + saved.n.replace(/\s*\n\s*/g, " "));
      });
      lines.push("");
      return lines.join("\n");
    }

    function csv() {
      var rows = [["label", "item", "text", "rating", "note", "changed"]];
      items.forEach(function (it) {
        var saved = data.items[it.id] || {};
        rows.push([it.label, it.id, it.text, saved.r ? RATING_NAME[saved.r] : "",
          saved.n || "", changed(it) ? "yes" : ""]);
      });
      return rows.map(function (r) { return r.map(csvCell).join(","); }).join("\r\n") + "\r\n";
    }

    var file = level.replace(/[^A-Za-z0-9_-]+/g, "-");
    panel.querySelector("[data-wb-markdown]").addEventListener("click", function () {
      download("promotion-case-" + file + ".md", "text/markdown", markdown());
      say("Promotion case downloaded as Markdown.");
    });
    panel.querySelector("[data-wb-csv]").addEventListener("click", function () {
      download("self-assessment-" + file + ".csv", "text/csv", csv());
      say("Ratings downloaded as CSV.");
    });
    panel.querySelector("[data-wb-print]").addEventListener("click", function () {
      window.print();
    });
    var clear = panel.querySelector("[data-wb-clear]");
    var confirmBox = panel.querySelector("[data-wb-confirm]");
    clear.addEventListener("click", function () {
      confirmBox.hidden = false;
      confirmBox.querySelector("[data-wb-yes]").focus();
    });
    confirmBox.querySelector("[data-wb-no]").addEventListener("click", function () {
      confirmBox.hidden = true;
      clear.focus();
    });
    confirmBox.querySelector("[data-wb-yes]").addEventListener("click", function () {
      data.items = {};
      store();
      items.forEach(function (it) {
        it.node.querySelectorAll(".wb input").forEach(function (i) { i.checked = false; });
        it.node.querySelectorAll(".wb textarea").forEach(function (t) { t.value = ""; });
        renderFlag(it);
        renderPrint(it);
      });
      renderSummary();
      confirmBox.hidden = true;
      clear.focus();
      say("Your ratings and notes for this level are cleared from this browser.");
    });

    window.ladderWorkbook = { markdown: markdown, csv: csv, key: key };
    renderSummary();
    setOn(!!data.on);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
