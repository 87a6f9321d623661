// The review panel of `remiss serve`, added to every page the server sends. On the
// compilation (the matrix) a click on a cell, or the keyboard, opens the reading in a
// panel where it is confirmed or corrected; on every page the server's events refresh
// the content after a rebuild. Without JavaScript the pages read as built.
(function () {
  "use strict";
  var R = window.REMISS || {};
  var matrix = document.getElementById("matrix");
  var cur = null;          // the reading open in the panel
  var reviewed = {};       // "r2:K2P7" -> true
  var panel, bar, msg;

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "class") e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    (kids || []).forEach(function (c) { if (c) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function typo(s) { return String(s).replace(/ (§|kap\.)/g, "\u00a0$1"); }
  function api(path, body) {
    var o = { headers: { "Accept": "application/json" } };
    if (body) {
      o.method = "POST";
      o.headers["Content-Type"] = "application/json";
      o.headers["X-Remiss-Token"] = R.token;
      o.body = JSON.stringify(body);
    }
    return fetch(path, o).then(function (res) {
      var ct = res.headers.get("Content-Type") || "";
      var p = ct.indexOf("json") >= 0 ? res.json() : res.text().then(function (t) { return { error: t }; });
      return p.then(function (d) { d = d || {}; d.status = res.status; return d; });
    });
  }

  // ---- refresh after a rebuild -------------------------------------------------------
  function refresh(gen) {
    fetch(location.pathname, { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.querySelector("main"), old = document.querySelector("main");
      if (!fresh || !old) return;
      var form = document.getElementById("filters"), keep = null;
      if (form) keep = { show: form.elements.show.value, who: form.elements.who.value, sort: form.elements.sort.checked };
      var x = window.scrollX, y = window.scrollY;
      old.innerHTML = fresh.innerHTML;
      var f2 = document.getElementById("filters");
      if (f2 && keep) {
        f2.elements.show.value = keep.show; f2.elements.who.value = keep.who; f2.elements.sort.checked = keep.sort;
      }
      // Scripts set as innerHTML do not run: run the page's own once more.
      old.querySelectorAll("script").forEach(function (s) {
        var n = document.createElement("script"); n.textContent = s.textContent; s.replaceWith(n);
      });
      window.scrollTo(x, y);
      R.generation = gen;
      matrix = document.getElementById("matrix");
      document.body.setAttribute("data-remiss-generation", String(gen));
      if (matrix) { loadState(); if (cur && want) open(want.r, want.id, true); }
    });
  }
  function listen() {
    if (!window.EventSource) return;
    var es = new EventSource("/_remiss/events");
    function onGen(e) {
      var d = JSON.parse(e.data || "{}");
      if (d.error) showError(d.error);
      else hideError();
      if (d.generation && d.generation > (R.generation || 0)) refresh(d.generation);
    }
    es.addEventListener("hello", onGen);
    es.addEventListener("built", onGen);
    es.addEventListener("failed", function (e) { showError(JSON.parse(e.data).error); });
  }
  var errBox;
  function showError(text) {
    if (!errBox) { errBox = el("div", { class: "remiss-error", role: "alert" }); document.body.insertBefore(errBox, document.body.firstChild); }
    errBox.textContent = "Ärendet kunde inte byggas om (sidorna visar det senaste bygget): " + text;
    errBox.hidden = false;
  }
  function hideError() { if (errBox) errBox.hidden = true; }
  document.body.setAttribute("data-remiss-generation", String(R.generation || 0));
  listen();
  if (!matrix) return;

  // ---- the matrix: progress, cells, panel -----------------------------------------------
  bar = el("section", { class: "remiss-bar", id: "remiss-progress", "aria-live": "polite" });
  document.body.insertBefore(bar, document.body.firstChild);
  panel = el("aside", { class: "remiss-panel", id: "remiss-panel", hidden: "", "aria-label": "Granskning" });
  document.body.appendChild(panel);

  function loadState() {
    return api("/_remiss/api/state").then(function (s) {
      reviewed = {};
      (s.reviewed || []).forEach(function (k) { reviewed[k] = true; });
      mark();
      var a = s.all || {};
      bar.innerHTML = "";
      var who = s.reviewer ? " · granskare " + s.reviewer : " · ingen granskare angiven (reviewer i remiss.toml eller --reviewer)";
      bar.appendChild(el("strong", { text: "Granskade " + a.reviewed + " av " + a.readings + " läsningar" }));
      bar.appendChild(document.createTextNode(" · " + a.corrected + " korrigerade · " + a.confirmed + " bekräftade · " +
        a.uncertain + " osäkra (" + a.uncertain_open + " ogranskade)" + (a.ignored ? " · " + a.ignored + " borttagna" : "") + who));
      var det = el("details", {}, [el("summary", { text: "Per remissvar" })]);
      var ul = el("ul");
      (s.answers || []).forEach(function (x) {
        ul.appendChild(el("li", { "data-r": x.r, text: x.respondent + ": " + x.reviewed + " av " + x.readings + " granskade, " + x.corrected + " korrigerade, " + x.uncertain + " osäkra (" + x.uncertain_open + " ogranskade)" }));
      });
      det.appendChild(ul);
      bar.appendChild(det);
      // Citations of paragraphs the draft lacks have no cell: they are listed here, to be
      // re-pointed to the paragraph meant or dropped.
      var cits = s.citations || [];
      if (cits.length) {
        var open_ = cits.filter(function (x) { return !x.reviewed; }).length;
        var cd = el("details", { id: "remiss-citations" }, [el("summary", { text: "Hänvisningar till paragrafer som förslaget saknar: " + cits.length + " (" + open_ + " ogranskade)" })]);
        var cl = el("ul");
        cits.forEach(function (x) {
          var b = el("button", { type: "button", "data-r": x.r, "data-id": x.id, text: x.respondent + ", " + typo(x.display) + ", rad " + x.line + (x.reviewed ? " (granskad)" : "") });
          b.onclick = function () { open(x.r, x.id); };
          cl.appendChild(el("li", {}, [b]));
        });
        cd.appendChild(cl);
        bar.appendChild(cd);
      }
      bar.appendChild(el("span", { class: "remiss-keys", text: " · Tangenter: n/p nästa/föregående ogranskade, c bekräfta, 1–6 ställningstagande, i ta bort läsningen, s spara korrigering, u ångra, Esc stäng" }));
      if (s.error) showError(s.error);
    });
  }

  // Every reading of the matrix in the order shown (filters and sort respected).
  function cells() {
    var out = [];
    matrix.querySelectorAll("tbody tr").forEach(function (tr) {
      if (tr.hidden || tr.offsetParent === null) return;
      for (var i = 1; i < tr.cells.length; i++) {
        var a = tr.cells[i].querySelector("a.chip");
        if (a) out.push({ r: "r" + i, id: tr.id, a: a, td: tr.cells[i] });
      }
    });
    return out;
  }
  function mark() {
    matrix.querySelectorAll("td.remiss-done, td.remiss-current").forEach(function (td) { td.classList.remove("remiss-done", "remiss-current"); });
    cells().forEach(function (c) {
      if (reviewed[c.r + ":" + c.id]) c.td.classList.add("remiss-done");
      if (cur && cur.r === c.r && cur.id === c.id) c.td.classList.add("remiss-current");
    });
  }
  function step(dir) {
    var all = cells(), at = -1;
    if (cur) all.forEach(function (c, i) { if (c.r === cur.r && c.id === cur.id) at = i; });
    for (var k = 1; k <= all.length; k++) {
      var i = ((at < 0 && dir < 0 ? 0 : at) + dir * k + all.length * 2) % all.length;
      var c = all[i];
      if (!reviewed[c.r + ":" + c.id]) { open(c.r, c.id); return; }
    }
    say("Alla läsningar som visas är granskade.");
  }

  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("#matrix a.chip");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey) return;
    var td = a.closest("td"), tr = a.closest("tr");
    e.preventDefault();
    open("r" + td.cellIndex, tr.id);
  });

  function say(text, bad) {
    if (!msg) return;
    msg.textContent = text;
    msg.className = "remiss-msg" + (bad ? " bad" : "");
  }

  var paragraphs = null;
  // The reading last asked for: answers arriving out of order (a refresh racing the
  // step to the next reading) never show an older one.
  var want = null, seq = 0;
  function open(r, id, quiet) {
    want = { r: r, id: id };
    var my = ++seq;
    return api("/_remiss/api/cell?r=" + encodeURIComponent(r) + "&id=" + encodeURIComponent(id)).then(function (c) {
      if (my !== seq) return;
      if (c.status !== 200) {
        if (quiet && cur) { say("Läsningen finns inte längre här (flyttad eller borttagen); välj en annan.", true); return; }
        say(c.error || "Ingen läsning här.", true);
        return;
      }
      cur = c;
      render(c);
      mark();
      var td = matrix.querySelector("tr[id='" + CSS.escape(id) + "']");
      if (td && !quiet) { var cell = td.cells[+r.slice(1)]; if (cell) cell.scrollIntoView({ block: "nearest", inline: "nearest" }); }
    });
  }

  function render(c) {
    document.body.classList.add("remiss-open");
    panel.hidden = false;
    panel.innerHTML = "";
    var stanceName = {};
    c.stances.forEach(function (s) { stanceName[s[0]] = s[1]; });
    var flagName = {};
    c.flag_names.forEach(function (f) { flagName[f[0]] = f[1]; });
    var close = el("button", { type: "button", class: "remiss-close", title: "Stäng (Esc)", text: "×" });
    close.onclick = shut;
    panel.appendChild(el("header", {}, [close,
      el("div", { class: "remiss-who", text: c.respondent }),
      el("h2", { id: "remiss-target", text: typo(c.display) })]));
    // The reading as it stands.
    var reading = el("p", { class: "remiss-reading", id: "remiss-reading" }, [
      el("span", { class: "chip s-" + c.stance, text: stanceName[c.stance] || c.stance })]);
    if (c.flags.length) reading.appendChild(el("span", { class: "flags", text: " " + c.flags.map(function (f) { return flagName[f] || f; }).join(", ") }));
    panel.appendChild(reading);
    var notes = el("ul", { class: "remiss-notes" });
    if (c.uncertain) notes.appendChild(el("li", { class: "unsure", text: "Osäker läsning: " + c.uncertain }));
    if (c.inferred) notes.appendChild(el("li", { text: "Härledd från ämnet, inte från ett paragrafnummer: " + c.inferred.join(", ") }));
    if (c.corrected !== null && c.corrected !== undefined) notes.appendChild(el("li", { class: "corr", text: "Korrigerad" + (c.corrected ? ": " + c.corrected : "") }));
    if (c.entry) {
      var what = c.entry.confirm ? "Bekräftad" : "Korrigering sparad";
      if (c.entry.by) what += " av " + c.entry.by;
      if (c.entry.at) what += " " + c.entry.at.replace("T", " ").replace("Z", " UTC");
      notes.appendChild(el("li", { class: "entry", id: "remiss-entry", text: what + " (remiss.toml)" }));
    }
    if (notes.firstChild) panel.appendChild(notes);
    // The draft's wording beside the sentences.
    var cols = el("div", { class: "remiss-cols" });
    var w = el("section", { class: "remiss-wording" }, [el("h3", { text: "Förslagets lydelse" })]);
    if (c.wording.length) c.wording.forEach(function (t) { w.appendChild(el("p", { text: typo(t) })); });
    else w.appendChild(el("p", { class: "flags", text: "(ingen lydelse: målet är inte en paragraf i förslaget)" }));
    var ev = el("section", { class: "remiss-evidence" }, [el("h3", { text: "Svaret" })]);
    c.evidence.forEach(function (e) {
      ev.appendChild(el("blockquote", {}, [typo(e.text) + " ", el("a", { href: c.page + "#L" + e.line, target: "_blank", text: "rad " + e.line })]));
    });
    cols.appendChild(w); cols.appendChild(ev);
    panel.appendChild(cols);
    var frame = el("iframe", { class: "remiss-answer", title: "Svaret i sitt sammanhang", src: "/" + c.page + "#L" + c.evidence[0].line });
    frame.addEventListener("load", function () {
      try {
        var d = frame.contentDocument;
        var st = d.createElement("style");
        st.textContent = ".remiss-hl{background:#fff3b0;outline:2px solid #e0b400} nav,.remiss-bar,.remiss-nojs{display:none}";
        d.head.appendChild(st);
        c.evidence.forEach(function (e) { var l = d.getElementById("L" + e.line); if (l) l.classList.add("remiss-hl"); });
        var first = d.getElementById("L" + c.evidence[0].line);
        if (first) first.scrollIntoView({ block: "center" });
      } catch (err) { /* another origin: shown as it is */ }
    });
    // The decision.
    var form = el("form", { class: "remiss-form", id: "remiss-form" });
    form.onsubmit = function (e) { e.preventDefault(); correct(); };
    var fs = el("fieldset", {}, [el("legend", { text: "Ställningstagande (1–6)" })]);
    c.stances.forEach(function (s, i) {
      var input = el("input", { type: "radio", name: "stance", value: s[0] });
      if (s[0] === c.stance) input.checked = true;
      fs.appendChild(el("label", {}, [input, " " + (i + 1) + " " + s[1]]));
    });
    form.appendChild(fs);
    var ff = el("fieldset", {}, [el("legend", { text: "Markeringar" })]);
    c.flag_names.forEach(function (f) {
      var input = el("input", { type: "checkbox", name: "flag", value: f[0] });
      if (c.flags.indexOf(f[0]) >= 0) input.checked = true;
      ff.appendChild(el("label", {}, [input, " " + f[1]]));
    });
    form.appendChild(ff);
    var ig = el("input", { type: "checkbox", name: "ignore" });
    form.appendChild(el("label", { class: "remiss-line" }, [ig, " Ta bort läsningen (i): meningen är inget ställningstagande"]));
    var tis = el("input", { type: "text", name: "target_is", list: "remiss-paragraphs", placeholder: "t.ex. 2 kap. 22 §", size: "16" });
    form.appendChild(el("label", { class: "remiss-line" }, ["Avser i stället paragrafen ", tis]));
    var dl = el("datalist", { id: "remiss-paragraphs" });
    form.appendChild(dl);
    var fill = function (list) { list.forEach(function (p) { dl.appendChild(el("option", { value: p })); }); };
    if (paragraphs) fill(paragraphs);
    else api("/_remiss/api/paragraphs").then(function (p) { paragraphs = Array.isArray(p) ? p : []; fill(paragraphs); });
    var note = el("textarea", { name: "note", rows: "2", placeholder: "Anteckning (valfri): varför" });
    if (c.entry && c.entry.note) note.value = c.entry.note;
    form.appendChild(el("label", { class: "remiss-line" }, ["Anteckning ", note]));
    var buttons = el("div", { class: "remiss-buttons" });
    var ok = el("button", { type: "button", id: "remiss-confirm", text: "Bekräfta läsningen (c)" });
    ok.onclick = confirm;
    var save = el("button", { type: "submit", id: "remiss-save", text: "Spara korrigering (s)" });
    buttons.appendChild(ok); buttons.appendChild(save);
    if (c.entry) {
      var undo = el("button", { type: "button", id: "remiss-clear", text: "Ångra granskningen (u)" });
      undo.onclick = clear;
      buttons.appendChild(undo);
    }
    var prev = el("button", { type: "button", text: "‹ Föregående (p)" }); prev.onclick = function () { step(-1); };
    var next = el("button", { type: "button", text: "Nästa ogranskade (n) ›" }); next.onclick = function () { step(1); };
    buttons.appendChild(prev); buttons.appendChild(next);
    form.appendChild(buttons);
    panel.appendChild(form);
    // A citation of a paragraph the draft lacks is there to be re-pointed.
    if (c.kind === "other") tis.focus();
    msg = el("p", { class: "remiss-msg", id: "remiss-msg", role: "status" });
    panel.appendChild(msg);
    // The answer in its context last: the decision stays in view above it.
    panel.appendChild(el("h3", { text: "Svaret i sitt sammanhang" }));
    panel.appendChild(frame);
  }

  function shut() {
    seq++;
    want = null;
    panel.hidden = true;
    document.body.classList.remove("remiss-open");
    cur = null;
    mark();
  }

  function send(body, then) {
    var c = cur;
    body.r = c.r; body.target = c.target; body.base = c.base;
    say("Sparar …");
    return api("/_remiss/api/review", body).then(function (d) {
      if (d.ok) {
        c.base = d.base;
        if (body.action === "clear") delete reviewed[c.r + ":" + c.id];
        else reviewed[c.r + ":" + c.id] = true;
        mark();
        say("Sparat i remiss.toml; ärendet byggs om.");
        if (then) then();
      } else {
        say(d.error || ("Inte sparat (" + d.status + ")"), true);
        // Someone else's change: show the entry as it is now.
        if (d.status === 409) api("/_remiss/api/cell?r=" + c.r + "&id=" + encodeURIComponent(c.id)).then(function (n) {
          if (n.status === 200) { c.base = n.base; c.entry = n.entry; }
        });
      }
    }).catch(function (e) { say("Inte sparat: " + e, true); });
  }
  function noteOf() { var f = document.getElementById("remiss-form"); return f ? f.elements.note.value : ""; }
  function confirm() {
    if (!cur) return;
    send({ action: "confirm", note: noteOf() }, function () { step(1); });
  }
  function correct() {
    if (!cur) return;
    var f = document.getElementById("remiss-form");
    var stance = f.elements.stance.value || null;
    var flags = [];
    f.querySelectorAll("input[name=flag]").forEach(function (x) { if (x.checked) flags.push(x.value); });
    var body = { action: "correct", note: f.elements.note.value, ignore: f.elements.ignore.checked };
    if (stance && stance !== cur.stance) body.stance = stance;
    if (flags.slice().sort().join(",") !== cur.flags.slice().sort().join(",")) body.flags = flags;
    var t = f.elements.target_is.value.trim();
    if (t) body.target_is = t;
    if (!body.stance && !body.flags && !body.ignore && !body.target_is) {
      say("Inget ändrat: välj ett annat ställningstagande, andra markeringar, en annan paragraf eller ta bort läsningen – eller bekräfta den (c).", true);
      return;
    }
    send(body, function () { step(1); });
  }
  function clear() {
    if (!cur || !cur.entry) return;
    send({ action: "clear" });
  }

  document.addEventListener("keydown", function (e) {
    var t = e.target, typing = t && (t.tagName === "INPUT" && t.type === "text" || t.tagName === "TEXTAREA" || t.tagName === "SELECT");
    if (e.key === "Escape") { if (typing) t.blur(); else if (cur) shut(); return; }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && cur) { e.preventDefault(); correct(); return; }
    if (typing || e.altKey || e.ctrlKey || e.metaKey) return;
    var f = document.getElementById("remiss-form");
    switch (e.key) {
      case "n": case "j": step(1); break;
      case "p": case "k": step(-1); break;
      case "c": if (cur) confirm(); break;
      case "s": if (cur) correct(); break;
      case "u": if (cur) clear(); break;
      case "i": if (f) f.elements.ignore.checked = !f.elements.ignore.checked; break;
      default:
        if (f && /^[1-6]$/.test(e.key)) {
          var r = f.querySelectorAll("input[name=stance]")[+e.key - 1];
          if (r) { r.checked = true; r.focus(); }
        } else return;
    }
    e.preventDefault();
  });

  loadState();
})();
