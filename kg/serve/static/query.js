// Query page: editor, ready-made questions, results table, CSV/JSON download, bar chart and
// force-directed network (plain SVG, no libraries). All values are inserted as text nodes.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("qdata").textContent);
  const endpoint = data.endpoint;
  const all = {};
  data.queries.concat(data.views).forEach(q => { all[q.name] = q; });
  const $ = id => document.getElementById(id);
  const ta = $("query"), status = $("status"), out = $("results"), viewsel = $("viewsel");
  const SVGNS = "http://www.w3.org/2000/svg";
  let current = null;

  function el(tag, attrs, text) {
    const e = tag.startsWith("svg:") ? document.createElementNS(SVGNS, tag.slice(4)) : document.createElement(tag);
    for (const k in (attrs || {})) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function select(name) {
    const q = all[name];
    if (!q) return;
    current = q;
    ta.value = q.text;
    $("qdesc").textContent = q.description || q.title;
    const params = $("params");
    params.textContent = "";
    (q.params || []).forEach(p => {
      const lab = el("label", {}, p.name + " ");
      const inp = el("input", { "data-param": p.name, value: p.default || "", title: p.type });
      inp.addEventListener("input", fill);
      lab.appendChild(inp);
      if (p.description) lab.appendChild(el("span", { class: "desc" }, " " + p.description));
      params.appendChild(lab);
    });
    if (q.view) viewsel.value = q.view;
  }

  // Parameters (same rules as kg/queries.py): `$name` in the .rq template is replaced by the value
  // written as an RDF term of the parameter's type; the textarea always shows exactly what is sent.
  function term(p, v) {
    if (p.type === "integer") { if (!/^-?\d+$/.test(v)) throw new Error(p.name + " må være et heltall"); return String(parseInt(v, 10)); }
    if (p.type === "year") { if (!/^\d{4}$/.test(v)) throw new Error(p.name + " må være et årstall"); return '"' + v + '"^^<http://www.w3.org/2001/XMLSchema#gYear>'; }
    if (p.type === "iri") { if (/[\s<>"{}|\\^`]/.test(v)) throw new Error(p.name + " er ikke en gyldig IRI"); return "<" + v + ">"; }
    if (p.type === "name") v = v.split(/\s+/).filter(Boolean).join(" ").toLowerCase();  // matches rp:nameKey
    return '"' + v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r") + '"';
  }
  function fill() {
    if (!current || !current.params || !current.params.length) return;
    let text = current.template;
    const ps = current.params.slice().sort((x, y) => y.name.length - x.name.length);
    try {
      ps.forEach(p => {
        const inp = document.querySelector('#params input[data-param="' + p.name + '"]');
        const v = term(p, inp ? inp.value : p.default);
        text = text.replace(new RegExp("\\$" + p.name + "\\b", "g"), () => v);
      });
      ta.value = text; status.className = ""; status.textContent = "";
    } catch (e) { status.className = "error"; status.textContent = e.message; }
  }
  function queryText() { return ta.value; }

  // Only http(s)/mailto IRIs become links (a javascript: IRI in the data stays text); IRIs under the
  // base IRI link to this server, relative to the page so it works under any public base path.
  function href(iri) {
    if (!/^(https?:\/\/|mailto:)/i.test(iri)) return null;
    const base = data.base || "";
    return base && iri.startsWith(base) ? (data.root || "./") + iri.slice(base.length) : iri;
  }
  function short(iri) {
    const m = iri.match(/[^\/#]+[\/#]?[^\/#]*$/);
    return m ? m[0] : iri;
  }
  function cell(b) {
    const td = el("td");
    if (!b) return td;
    if (b.type === "uri") {
      const h = href(b.value);
      td.appendChild(h ? el("a", { href: h, title: b.value }, short(b.value)) : el("span", { title: b.value }, short(b.value)));
    } else {
      td.textContent = b.value;
      if (b["xml:lang"]) td.appendChild(el("span", { class: "lang" }, "@" + b["xml:lang"]));
    }
    return td;
  }

  function table(res) {
    const vars = res.head.vars, t = el("table", { class: "results" });
    const tr = el("tr");
    vars.forEach(v => tr.appendChild(el("th", {}, v)));
    t.appendChild(tr);
    res.results.bindings.forEach(row => {
      const r = el("tr");
      vars.forEach(v => r.appendChild(cell(row[v])));
      t.appendChild(r);
    });
    return t;
  }

  const isNum = b => b && b.type === "literal" && b.value !== "" && !isNaN(Number(b.value));
  function labelOf(row, v) { const b = row[v]; return b ? (b.type === "uri" ? short(b.value) : b.value) : ""; }

  function barChart(res) {
    const vars = res.head.vars, rows = res.results.bindings;
    const numVar = vars.slice().reverse().find(v => rows.length && rows.every(r => !r[v] || isNum(r[v])));
    const labVar = vars.find(v => v !== numVar);
    if (!numVar || !labVar) return el("p", {}, "Stolpediagram trenger en tekstkolonne og en tallkolonne.");
    const items = rows.map(r => ({ label: labelOf(r, labVar), value: Number(r[numVar] ? r[numVar].value : 0), iri: r[labVar] && r[labVar].type === "uri" ? r[labVar].value : null }));
    const max = Math.max(1, ...items.map(i => i.value));
    const W = 760, left = 260, bh = 22, H = items.length * bh + 30;
    const svg = el("svg:svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: "barchart", role: "img" });
    items.forEach((it, i) => {
      const y = 10 + i * bh, w = Math.max(1, (W - left - 110) * it.value / max);
      const t = el("svg:text", { x: left - 6, y: y + 14, "text-anchor": "end" }, it.label.length > 40 ? it.label.slice(0, 39) + "…" : it.label);
      svg.appendChild(t);
      const r = el("svg:rect", { x: left, y: y + 2, width: w, height: bh - 6, class: "bar" });
      r.appendChild(el("svg:title", {}, it.label + ": " + it.value.toLocaleString("nb-NO")));
      svg.appendChild(r);
      svg.appendChild(el("svg:text", { x: left + w + 4, y: y + 14 }, it.value.toLocaleString("nb-NO")));
    });
    return svg;
  }

  function network(res) {
    const vars = res.head.vars, rows = res.results.bindings;
    const iriVars = vars.filter(v => rows.length && rows.every(r => !r[v] || r[v].type === "uri"));
    if (iriVars.length < 2) return el("p", {}, "Nettverk trenger to kolonner med IRI-er (kilde og mål).");
    const [a, b] = iriVars;
    const wVar = vars.find(v => !iriVars.includes(v) && rows.every(r => !r[v] || isNum(r[v])));
    const nodes = new Map(), edges = [];
    function node(row, v) {
      const iri = row[v].value;
      if (!nodes.has(iri)) {
        const lv = vars.find(x => x.toLowerCase() === (v + "label").toLowerCase());
        nodes.set(iri, { iri, label: lv && row[lv] ? row[lv].value : short(iri), x: Math.random() * 600, y: Math.random() * 500, vx: 0, vy: 0, deg: 0 });
      }
      return nodes.get(iri);
    }
    rows.forEach(r => {
      if (!r[a] || !r[b]) return;
      const s = node(r, a), t = node(r, b);
      s.deg++; t.deg++;
      edges.push({ s, t, w: wVar && r[wVar] ? Number(r[wVar].value) : 1 });
    });
    const ns = Array.from(nodes.values()), W = 900, H = 640;
    // Fruchterman–Reingold style layout, fixed number of steps.
    const k = Math.sqrt((W * H) / Math.max(1, ns.length)) * 0.6;
    for (let step = 0; step < 300; step++) {
      const temp = 40 * (1 - step / 300) + 1;
      ns.forEach(n => { n.dx = 0; n.dy = 0; });
      for (let i = 0; i < ns.length; i++) for (let j = i + 1; j < ns.length; j++) {
        const p = ns[i], q = ns[j];
        let dx = p.x - q.x, dy = p.y - q.y, d = Math.sqrt(dx * dx + dy * dy) || 0.01;
        const f = (k * k) / d;
        p.dx += dx / d * f; p.dy += dy / d * f; q.dx -= dx / d * f; q.dy -= dy / d * f;
      }
      edges.forEach(e => {
        let dx = e.s.x - e.t.x, dy = e.s.y - e.t.y, d = Math.sqrt(dx * dx + dy * dy) || 0.01;
        const f = (d * d) / k * Math.min(3, 0.5 + 0.25 * e.w);
        e.s.dx -= dx / d * f; e.s.dy -= dy / d * f; e.t.dx += dx / d * f; e.t.dy += dy / d * f;
      });
      ns.forEach(n => {
        n.dx += (W / 2 - n.x) * 0.02; n.dy += (H / 2 - n.y) * 0.02;
        const d = Math.sqrt(n.dx * n.dx + n.dy * n.dy) || 1;
        n.x = Math.min(W - 20, Math.max(20, n.x + n.dx / d * Math.min(d, temp)));
        n.y = Math.min(H - 20, Math.max(20, n.y + n.dy / d * Math.min(d, temp)));
      });
    }
    const svg = el("svg:svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: "network", role: "img" });
    edges.forEach(e => svg.appendChild(el("svg:line", { x1: e.s.x, y1: e.s.y, x2: e.t.x, y2: e.t.y, class: "edge", "stroke-width": Math.min(6, 0.5 + e.w) })));
    ns.forEach(n => {
      const h = href(n.iri);
      const g = h ? el("svg:a", { href: h }) : el("svg:g", {});
      const c = el("svg:circle", { cx: n.x, cy: n.y, r: 4 + Math.min(10, Math.sqrt(n.deg) * 2), class: "node" });
      c.appendChild(el("svg:title", {}, n.label));
      g.appendChild(c);
      g.appendChild(el("svg:text", { x: n.x + 8, y: n.y + 4 }, n.label));
      svg.appendChild(g);
    });
    return svg;
  }

  let lastJson = null;
  function show() {
    out.textContent = "";
    if (!lastJson) return;
    const res = lastJson;
    if (res.boolean !== undefined) { out.appendChild(el("p", { class: "boolean" }, String(res.boolean))); return; }
    const v = viewsel.value;
    if (v === "bar") out.appendChild(barChart(res));
    if (v === "network") out.appendChild(network(res));
    out.appendChild(table(res));
  }

  function setDownloads(q) {
    $("dl-csv").href = endpoint + "?format=csv&query=" + encodeURIComponent(q);
    $("dl-json").href = endpoint + "?format=json&query=" + encodeURIComponent(q);
  }

  async function run(ev) {
    if (ev) ev.preventDefault();
    const q = queryText();
    setDownloads(q);
    status.className = ""; status.textContent = "kjører …";
    const t0 = performance.now();
    try {
      const resp = await fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json" },
        body: "query=" + encodeURIComponent(q),
      });
      const text = await resp.text();
      if (!resp.ok) { status.className = "error"; status.textContent = resp.status + ": " + text; lastJson = null; show(); return; }
      if (!(resp.headers.get("content-type") || "").includes("json")) {
        out.textContent = ""; out.appendChild(el("pre", {}, text)); status.textContent = ""; return;
      }
      lastJson = JSON.parse(text);
      const n = lastJson.results ? lastJson.results.bindings.length : 1;
      const trunc = resp.headers.get("X-SPARQL-Truncated") ? " (avkortet)" : "";
      status.textContent = n + " rader" + trunc + " · " + Math.round(performance.now() - t0) + " ms";
      show();
    } catch (e) {
      status.className = "error"; status.textContent = String(e);
    }
  }

  document.querySelectorAll("a.question, a.viewlink").forEach(a => a.addEventListener("click", ev => {
    ev.preventDefault();
    select(a.getAttribute("data-name") || a.getAttribute("data-view"));
    history.replaceState(null, "", a.getAttribute("href"));
    run();
  }));
  $("qform").addEventListener("submit", run);
  viewsel.addEventListener("change", show);

  const params = new URLSearchParams(location.search);
  const pick = params.get("q") || params.get("view");
  if (pick) select(pick);
  if (params.get("run") === "1") run(); else setDownloads(ta.value);
})();
