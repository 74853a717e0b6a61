/* portcheck report: the findings table (filter, search, sort, pages), deep links and per-file drill-down.
   Everything from the scanned code is put into the page with textContent, never as HTML. */
(function () {
  "use strict";
  var raw = JSON.parse(document.getElementById("pc-data").textContent);
  var S = raw.strings, B = raw.backends, ST = raw.statuses, NB = B.length;
  var F = raw.findings.map(function (r, i) {
    var v = [];
    for (var b = 0; b < NB; b++) {
      var o = 12 + 5 * b;
      v.push(r[o] < 0 ? null : { s: r[o], t: S[r[o + 1]], n: S[r[o + 2]], r: S[r[o + 3]], e: S[r[o + 4]] });
    }
    return { i: i, id: r[0], path: S[r[1]], line: r[2], col: r[3], sym: S[r[4]], fam: S[r[5]], kind: S[r[6]],
             src: r[7], conf: S[r[8]], detail: S[r[9]], kern: S[r[10]], cat: S[r[11]], v: v, text: null };
  });
  var byId = Object.create(null), paths = Object.create(null);
  F.forEach(function (f) { byId[f.id] = f; paths[f.path] = true; });
  var fileInfo = Object.create(null);
  raw.files.forEach(function (f) { fileInfo[f.path] = f; });
  // every file's cost per backend: [hours or null, upper bound or null]; its largest figure orders the table
  var FC = raw.file_cost || {}, costOf = Object.create(null);
  Object.keys(FC).forEach(function (p) {
    costOf[p] = Math.max.apply(null, FC[p].map(function (c) { return c[0] !== null ? c[0] : 0; }).concat([0]));
  });
  function costText(p, b) {
    var c = (FC[p] || [])[b];
    if (!c) return "·";
    return c[0] !== null ? hours(c[0]) : c[1] ? "≤ " + hours(c[1]) : "0.0";
  }

  // default order: the costliest file first, then its findings in line order (the porting order)
  var state = { q: "", backend: -1, status: -1, family: "", file: "", sort: "cost", dir: 1, page: 0, size: 100 };
  var order = null, view = F, hlId = null;
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function fileHref(p) { return "#file-" + encodeURIComponent(p); }
  function num(n) { return Number(n).toLocaleString("en-US"); }
  function hours(x) { return x >= 100 ? Math.round(x).toLocaleString("en-US") : (Math.round(x * 10) / 10).toFixed(1); }

  // ------------------------------------------------------------------ sorting and filtering
  function cmpLoc(a, b) { return a.path < b.path ? -1 : a.path > b.path ? 1 : (a.line - b.line) || (a.col - b.col) || (a.i - b.i); }
  function comparator() {
    var d = state.dir, k = state.sort;
    if (k === "loc") return function (a, b) { return d * cmpLoc(a, b); };
    if (k === "cost") return function (a, b) {
      return d * ((costOf[b.path] || 0) - (costOf[a.path] || 0)) || cmpLoc(a, b);
    };
    if (k === "sym" || k === "fam") return function (a, b) {
      var x = a[k], y = b[k];
      return x < y ? -d : x > y ? d : cmpLoc(a, b);
    };
    var bi = Number(k.slice(1));  // "b0", "b1", ...: severity on that backend (rename < ... < unknown)
    return function (a, b) {
      var x = a.v[bi] ? a.v[bi].s : -1, y = b.v[bi] ? b.v[bi].s : -1;
      return (x - y) * d || cmpLoc(a, b);
    };
  }
  function searchText(f) {
    if (f.text === null) {
      var parts = [f.path + ":" + f.line, f.sym, f.fam, f.kind, f.src, f.detail, f.kern];
      f.v.forEach(function (v) { if (v) parts.push(ST[v.s], v.t, v.n); });
      f.text = parts.join("\n").toLowerCase();
    }
    return f.text;
  }
  function matches(f) {
    if (state.status >= 0) {
      if (state.backend >= 0) { if (!f.v[state.backend] || f.v[state.backend].s !== state.status) return false; }
      else if (!f.v.some(function (v) { return v && v.s === state.status; })) return false;
    }
    if (state.family && f.fam !== state.family && f.fam.indexOf(state.family + ".") !== 0) return false;
    if (state.file) {
      if (paths[state.file]) { if (f.path !== state.file) return false; }
      else if (f.path.toLowerCase().indexOf(state.file.toLowerCase()) < 0) return false;
    }
    if (state.q && searchText(f).indexOf(state.q) < 0) return false;
    return true;
  }
  function recompute(keepPage) {
    if (order === null) order = F.slice().sort(comparator());
    view = order.filter(matches);
    if (!keepPage) state.page = 0;
    var pages = Math.max(1, Math.ceil(view.length / state.size));
    if (state.page >= pages) state.page = pages - 1;
  }

  // ------------------------------------------------------------------ rendering
  function visibleBackends() {
    var out = [];
    for (var b = 0; b < NB; b++) if (state.backend < 0 || state.backend === b) out.push(b);
    return out;
  }
  function renderHead() {
    var head = $("fhead"), cols = [[state.sort === "cost" ? "cost" : "loc", "location"], ["code", "code"], ["sym", "symbol"]];
    visibleBackends().forEach(function (b) { cols.push(["b" + b, B[b]]); });
    var cg = document.querySelector("#ftable colgroup");
    if (cg) cg.remove();
    cg = el("colgroup");
    cols.forEach(function (c) { cg.appendChild(el("col", c[0] === "loc" || c[0] === "cost" ? "loc" : c[0] === "code" || c[0] === "sym" ? c[0] : "be")); });
    $("ftable").insertBefore(cg, head);
    head.textContent = "";
    var tr = el("tr");
    cols.forEach(function (c) {
      var th = el("th");
      if (c[0] === "code") { th.textContent = c[1]; }
      else {
        var btn = el("button", null, c[1]);
        btn.type = "button";
        btn.title = c[0][0] === "b" ? "sort by status on " + c[1] : c[0] === "cost" ? "sorted by file cost; click: by location" : "sort by " + c[1];
        btn.addEventListener("click", function () { setSort(c[0] === "cost" ? "loc" : c[0]); });
        th.appendChild(btn);
        if (state.sort === c[0]) th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
      }
      tr.appendChild(th);
    });
    head.appendChild(tr);
  }
  function verdictCell(v, b) {
    var td = el("td", "v");
    td.setAttribute("data-b", B[b]);
    if (!v) { td.appendChild(el("span", "muted", "·")); return td; }
    var badge = el("span", "badge s-" + ST[v.s], ST[v.s]);
    // the note is shown once per symbol in the porting plan; here it is the badge's tooltip
    badge.title = [v.n, v.r ? "ref: " + v.r : ""].filter(Boolean).join("\n");
    td.appendChild(badge);
    if (v.e && v.e !== "verified") {  // evidence strength: only the weaker kinds get a (small) mark
      var ev = el("span", "ev ev-" + v.e, v.e);
      ev.title = v.e === "mapped" ? "a vendor tool's mapping, not confirmed in headers" : "a family default or prefix rule: check it";
      td.appendChild(document.createTextNode(" ")); td.appendChild(ev);
    }
    if (v.t) { td.appendChild(document.createTextNode(" ")); td.appendChild(el("code", "tgt", v.t)); }
    return td;
  }
  function row(f, bs) {
    var tr = el("tr");
    tr.id = "finding-" + f.id;
    if (f.id === hlId) tr.className = "hl";
    var loc = el("td", "loc"), a = el("a", "file", f.path);
    a.href = fileHref(f.path);
    loc.appendChild(a);
    loc.appendChild(document.createTextNode(":"));
    var l = el("a", null, f.line + ":" + f.col);
    l.href = "#finding-" + f.id;
    l.title = "link to this finding";
    loc.appendChild(l);
    if (f.kern) loc.appendChild(el("div", "fam", "in kernel " + f.kern));
    tr.appendChild(loc);
    var code = el("td", "code");
    code.appendChild(el("code", null, f.src.replace(/^\s+/, "")));
    tr.appendChild(code);
    var sym = el("td", "sym"), sc = el("code", "symc");
    f.sym.split(/(?<=[.\/_]|::)(?=[^:])/).forEach(function (part, n) {  // break opportunities at separators only
      if (n) sc.appendChild(el("wbr"));
      sc.appendChild(document.createTextNode(part));
    });
    sym.appendChild(sc);
    sym.appendChild(el("div", "fam", f.fam + " · " + f.kind + (f.conf === "textual" ? " · textual match" : "")));
    if (f.detail) sym.appendChild(el("div", "fam", f.detail));
    tr.appendChild(sym);
    bs.forEach(function (b) { tr.appendChild(verdictCell(f.v[b], b)); });
    return tr;
  }
  function renderBody() {
    var body = $("fbody"), bs = visibleBackends(), start = state.page * state.size;
    var frag = document.createDocumentFragment();
    var end = Math.min(view.length, start + state.size);
    for (var k = start; k < end; k++) frag.appendChild(row(view[k], bs));
    body.textContent = "";
    body.appendChild(frag);
    if (view.length === 0) {
      var tr = el("tr"), td = el("td", "muted", F.length ? "No finding matches these filters." : "No findings.");
      td.colSpan = 3 + bs.length;
      tr.appendChild(td);
      body.appendChild(tr);
    }
    $("count").textContent = view.length === F.length
      ? "Showing " + (view.length ? num(start + 1) + "–" + num(end) + " of " : "") + num(F.length) + " findings"
      : "Showing " + (view.length ? num(start + 1) + "–" + num(end) + " of " : "") + num(view.length) +
        " matching findings (of " + num(F.length) + ")";
    renderPager();
  }
  function renderPager() {
    var p = $("pager"), pages = Math.max(1, Math.ceil(view.length / state.size));
    p.textContent = "";
    function btn(label, page, title) {
      var b = el("button", null, label);
      b.type = "button"; b.title = title;
      b.disabled = page < 0 || page >= pages || page === state.page;
      b.addEventListener("click", function () { state.page = page; renderBody(); $("findings").scrollIntoView(); });
      p.appendChild(b);
    }
    btn("«", 0, "first page"); btn("‹", state.page - 1, "previous page ( [ )");
    p.appendChild(el("span", "pageno", "page " + num(state.page + 1) + " of " + num(pages)));
    btn("›", state.page + 1, "next page ( ] )"); btn("»", pages - 1, "last page");
    var sel = el("select");
    sel.setAttribute("aria-label", "rows per page");
    [50, 100, 250, 500].forEach(function (n) {
      var o = el("option", null, n + " per page"); o.value = n; o.selected = n === state.size; sel.appendChild(o);
    });
    sel.addEventListener("change", function () { state.size = Number(sel.value); recompute(); renderBody(); });
    p.appendChild(sel);
  }
  function render(keepPage) { recompute(keepPage); renderHead(); renderBody(); }
  function setSort(k) {
    if (state.sort === k) state.dir = -state.dir;
    else { state.sort = k; state.dir = k[0] === "b" ? -1 : 1; }  // backends: worst status first
    order = null;
    render(false);
  }

  // ------------------------------------------------------------------ per-file drill-down and deep links
  function renderFilePanel() {
    var panel = $("file-panel"), p = state.file;
    if (!p || !paths[p]) { panel.hidden = true; panel.textContent = ""; return; }
    panel.textContent = "";
    panel.hidden = false;
    var info = fileInfo[p] || {};
    panel.appendChild(el("h3", null, p));
    panel.appendChild(el("p", "small muted", (info.language || "") + " · " + num(info.lines || 0) + " lines · " +
      num(info.findings || 0) + " findings" + (info.suppressed ? " · " + num(info.suppressed) + " suppressed" : "")));
    var t = el("table", "num-table"), head = el("tr");
    ["backend", "cost (h)"].concat(ST).forEach(function (h) { head.appendChild(el("th", null, h)); });
    t.appendChild(head);
    var mine = F.filter(function (f) { return f.path === p; });
    for (var b = 0; b < NB; b++) {
      var tr = el("tr");
      tr.appendChild(el("td", null, B[b]));
      tr.appendChild(el("td", "n", costText(p, b)));
      ST.forEach(function (s, si) {
        tr.appendChild(el("td", "n", String(mine.filter(function (f) { return f.v[b] && f.v[b].s === si; }).length)));
      });
      t.appendChild(tr);
    }
    panel.appendChild(t);
    var ks = raw.kernels.filter(function (k) { return k.path === p; });
    if (ks.length) {
      var ul = el("ul", "small");
      ks.forEach(function (k) {
        ul.appendChild(el("li", null, "kernel " + k.name + " at line " + k.line + ", " + k.lines + " lines" +
          (k.features.length ? ": " + k.features.join(", ") : "")));
      });
      panel.appendChild(ul);
    }
    var clear = el("button", null, "Show all files");
    clear.type = "button";
    clear.addEventListener("click", function () { setFile(""); history.replaceState(null, "", "#findings"); });
    panel.appendChild(clear);
  }
  function setFile(p) { state.file = p; $("f-file").value = p; renderFilePanel(); render(false); }
  function resetFilters() {
    state.q = ""; state.backend = -1; state.status = -1; state.family = ""; state.file = "";
    $("q").value = ""; $("f-backend").value = ""; $("f-status").value = ""; $("f-family").value = ""; $("f-file").value = "";
    renderFilePanel();
  }
  function goFinding(id) {
    var f = byId[id];
    if (!f) { $("count").textContent = "Finding " + id + " is not in this report."; return; }
    recompute(true);
    if (view.indexOf(f) < 0) { resetFilters(); recompute(true); }
    hlId = id;
    state.page = Math.floor(view.indexOf(f) / state.size);
    renderHead(); renderBody();
    var tr = document.getElementById("finding-" + id);
    if (tr) tr.scrollIntoView({ block: "center" });
  }
  function route() {
    var h = location.hash.slice(1);
    try { h = decodeURIComponent(h); } catch (e) { return; }
    if (h.indexOf("finding-") === 0) goFinding(h.slice(8));
    else if (h.indexOf("file-") === 0 && paths[h.slice(5)]) {
      resetFilters(); setFile(h.slice(5)); $("findings").scrollIntoView();
    }
  }

  // ------------------------------------------------------------------ wiring
  function fillFiles() {
    var dl = $("file-options"), list = $("files-list");
    raw.files.forEach(function (f) {
      var o = el("option"); o.value = f.path; dl.appendChild(o);
      var d = el("div"), a = el("a", "file", f.path);
      a.href = fileHref(f.path);
      d.appendChild(a);
      d.appendChild(el("span", "muted", " " + num(f.findings) + (f.suppressed ? " (+" + num(f.suppressed) + " suppressed)" : "") +
        " · " + B.map(function (bid, b) { return bid + " " + costText(f.path, b) + " h"; }).join(", ")));
      list.appendChild(d);
    });
  }
  $("controls").addEventListener("submit", function (e) { e.preventDefault(); });
  var timer = null;
  $("q").addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { state.q = $("q").value.trim().toLowerCase(); render(false); }, 150);
  });
  $("f-backend").addEventListener("change", function (e) { state.backend = B.indexOf(e.target.value); render(false); });
  $("f-status").addEventListener("change", function (e) { state.status = ST.indexOf(e.target.value); render(false); });
  $("f-family").addEventListener("change", function (e) { state.family = e.target.value; render(false); });
  $("f-file").addEventListener("change", function (e) { state.file = e.target.value.trim(); renderFilePanel(); render(false); });
  $("reset").addEventListener("click", function () { resetFilters(); hlId = null; render(false); });
  document.querySelectorAll("a.symq").forEach(function (a) {  // porting plan: a symbol's uses in the table
    a.addEventListener("click", function (e) {
      e.preventDefault();
      resetFilters();
      state.q = a.getAttribute("data-q").toLowerCase(); $("q").value = a.getAttribute("data-q");
      render(false);
      $("findings").scrollIntoView();
    });
  });
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a[href^='#file-'], a[href^='#finding-']") : null;
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();  // same-hash clicks fire no hashchange: route by hand
    history.pushState(null, "", a.getAttribute("href"));
    route();
  });
  window.addEventListener("hashchange", route);
  document.addEventListener("keydown", function (e) {
    var t = e.target.tagName;
    if (t === "INPUT" || t === "SELECT" || t === "TEXTAREA" || e.ctrlKey || e.metaKey || e.altKey) return;
    var pages = Math.max(1, Math.ceil(view.length / state.size));
    if (e.key === "/") { e.preventDefault(); $("q").focus(); }
    else if (e.key === "]" && state.page + 1 < pages) { state.page++; renderBody(); }
    else if (e.key === "[" && state.page > 0) { state.page--; renderBody(); }
  });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
  fillFiles();
  render(false);
  document.documentElement.setAttribute("data-ready", String(F.length));
  if (location.hash) route();
})();
