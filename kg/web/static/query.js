// Query page: ready-made questions (nb and en titles), SPARQL editor behind a toggle, results table with
// labels linked to their pages, CSV/JSON downloads with file names, a bar chart that keeps amounts of
// different bases apart, and a force-directed network with a weight threshold, focus on one actor and
// labels for hubs only (plain SVG, no libraries). All values are inserted as text nodes.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("qdata").textContent);
  // texts in the page language: the catalogue of kg.web.i18n, keyed by the Bokmål text
  const T = s => (data.messages && data.messages[s]) || s;
  const LANG = document.documentElement.lang || "nb";
  const endpoint = data.endpoint;
  const all = {};
  data.queries.concat(data.views).forEach(q => { all[q.name] = q; });
  const $ = id => document.getElementById(id);
  const ta = $("query"), status = $("status"), out = $("results"), viewsel = $("viewsel"), controls = $("viewcontrols");
  const SVGNS = "http://www.w3.org/2000/svg";
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const NUMERIC = ["integer", "decimal", "double", "float", "long", "int", "short", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong"].map(t => XSD + t);
  let current = null, labels = {};

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
    const t = q.titles || {}, d = q.descriptions || {};
    $("qtitle").textContent = t[LANG] || t.nb || q.title;
    $("qdesc").textContent = d[LANG] || d.nb || q.description || "";
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
    if (p.type === "integer") { if (!/^-?\d+$/.test(v)) throw new Error(p.name + T(" må være et heltall")); return String(parseInt(v, 10)); }
    if (p.type === "year") { if (!/^\d{4}$/.test(v)) throw new Error(p.name + T(" må være et årstall")); return '"' + v + '"^^<http://www.w3.org/2001/XMLSchema#gYear>'; }
    if (p.type === "iri") { if (/[\s<>"{}|\\^`]/.test(v)) throw new Error(p.name + T(" er ikke en gyldig IRI")); return "<" + v + ">"; }
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
  function labelOfIri(iri) { return labels[iri] || short(iri); }

  // Numbers: digits grouped by a no-break space from five digits on (2 000 000; a year or a line
  // number such as 2025 or 1218 stays as it is), decimal comma.
  function number(v) {
    const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(v.trim());
    if (!m) return v;
    let int = m[2].replace(/^0+(?=\d)/, "");
    if (int.length >= 5) int = int.replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
    const frac = m[3] && /[1-9]/.test(m[3]) ? "," + m[3].replace(/0+$/, "") : "";
    return m[1] + int + frac;
  }
  const natural = (a, b) => a.localeCompare(b, LANG, { numeric: true, sensitivity: "base" });
  // GROUP_CONCAT lists come in an undefined order: " | "-separated lists, and ", "-separated lists of
  // measure ids, are shown sorted.
  function literal(b) {
    const v = b.value;
    if (b.datatype && NUMERIC.includes(b.datatype)) return number(v);
    if (v.includes(" | ")) return v.split(" | ").sort(natural).join(" | ");
    const parts = v.split(", ");
    if (parts.length > 1 && parts.every(p => /^[A-ZÆØÅ]{1,3}\d+[A-Z]?$/.test(p))) return parts.sort(natural).join(", ");
    return v;
  }
  // A column `fooIri` holding IRIs makes column `foo` a link to that resource's page (and is not shown).
  function linkVars(vars) {
    const out = {};
    vars.forEach(v => { if (v.endsWith("Iri") && vars.includes(v.slice(0, -3))) out[v.slice(0, -3)] = v; });
    return out;
  }
  function cell(b, link) {
    const td = el("td");
    if (!b) return td;
    const lh = link && link.type === "uri" && b.type !== "uri" ? href(link.value) : null;
    if (lh) {
      td.appendChild(el("a", { href: lh, title: link.value }, literal(b)));
    } else if (b.type === "uri") {
      const h = href(b.value);
      td.appendChild(h ? el("a", { href: h, title: b.value }, labelOfIri(b.value)) : el("span", { title: b.value }, labelOfIri(b.value)));
    } else {
      td.textContent = literal(b);
      if (b.datatype && NUMERIC.includes(b.datatype)) td.className = "num";
    }
    return td;
  }

  function table(res) {
    const links = linkVars(res.head.vars), hidden = new Set(Object.values(links));
    const vars = res.head.vars.filter(v => !hidden.has(v)), t = el("table", { class: "results" });
    const tr = el("tr");
    vars.forEach(v => tr.appendChild(el("th", {}, v)));
    t.appendChild(tr);
    res.results.bindings.forEach(row => {
      const r = el("tr");
      vars.forEach(v => r.appendChild(cell(row[v], links[v] ? row[links[v]] : null)));
      t.appendChild(r);
    });
    const wrap = el("div", { class: "table-scroll" });
    wrap.appendChild(t);
    return wrap;
  }

  const isNum = b => b && b.type === "literal" && b.value !== "" && !isNaN(Number(b.value));
  function text(row, v) { const b = row[v]; return b ? (b.type === "uri" ? labelOfIri(b.value) : literal(b)) : ""; }

  function barChart(res) {
    const vars = res.head.vars, rows = res.results.bindings;
    const numVar = vars.find(v => rows.length && rows.every(r => !r[v] || (isNum(r[v]) && r[v].datatype !== XSD + "gYear")));
    const labVar = vars.find(v => v !== numVar && !(rows.length && rows.every(r => !r[v] || isNum(r[v]))));
    if (!numVar || !labVar) return el("p", {}, T("Stolpediagram trenger en tekstkolonne og en tallkolonne."));
    const basisVar = vars.find(v => v === "basis");
    const items = rows.map(r => ({ label: text(r, labVar), value: Number(r[numVar] ? r[numVar].value : 0), basis: basisVar ? text(r, basisVar) : "" }));
    const bases = [...new Set(items.map(i => i.basis))];
    const max = Math.max(1, ...items.map(i => i.value));
    const W = 900, left = 300, bh = 24, H = items.length * bh + 20;
    const svg = el("svg:svg", { viewBox: `0 0 ${W} ${H}`, class: "barchart", role: "img", preserveAspectRatio: "xMinYMin meet" });
    items.forEach((it, i) => {
      const y = 10 + i * bh, w = Math.max(1, (W - left - 250) * it.value / max);
      svg.appendChild(el("svg:text", { x: left - 6, y: y + 15, "text-anchor": "end" }, it.label.length > 48 ? it.label.slice(0, 47) + "…" : it.label));
      const r = el("svg:rect", { x: left, y: y + 3, width: w, height: bh - 8, class: "bar basis-" + (bases.indexOf(it.basis) % 4) });
      r.appendChild(el("svg:title", {}, it.label + ": " + number(String(it.value)) + " NOK" + (it.basis ? " (" + it.basis + ")" : "")));
      svg.appendChild(r);
      svg.appendChild(el("svg:text", { x: left + w + 4, y: y + 15 }, number(String(it.value)) + (it.basis ? " · " + it.basis : "")));
    });
    const fig = el("figure", { class: "chart" });
    fig.appendChild(svg);
    if (basisVar) {
      // Only the built-in view separates one-year and period amounts; a question may group by a coarser basis.
      const apart = current && current.name === "money-per-focus-area"
        ? T("Beløp per år, for ett år og for en periode summeres aldri sammen: hver stolpe har ett grunnlag — ")
        : T("Hver stolpe har ett grunnlag (slik spørringen grupperer) — ");
      const cap = el("figcaption", {}, T("Beløp i NOK slik tekstene oppgir dem. ") + apart);
      bases.forEach((b, i) => { cap.appendChild(el("span", { class: "legend basis-" + (i % 4) }, b)); if (i < bases.length - 1) cap.appendChild(document.createTextNode(" · ")); });
      fig.appendChild(cap);
    }
    return fig;
  }

  // ------------------------------------------------------------------ network
  const net = { min: 1, focus: "", key: "" };
  function network(res) {
    const vars = res.head.vars, rows = res.results.bindings;
    const iriVars = vars.filter(v => rows.length && rows.every(r => !r[v] || r[v].type === "uri"));
    if (iriVars.length < 2) return el("p", {}, T("Nettverk trenger to kolonner med IRI-er (kilde og mål)."));
    const [a, b] = iriVars;
    const wVar = vars.find(v => !iriVars.includes(v) && rows.every(r => !r[v] || isNum(r[v])));
    const key = a + "|" + b + "|" + rows.length;
    if (net.key !== key) {
      // start at the smallest weight threshold that leaves at most 150 pairs: a readable picture
      net.key = key; net.focus = "";
      const ws = rows.map(r => (wVar && r[wVar] ? Number(r[wVar].value) : 1)).sort((x, y) => y - x);
      net.min = ws.length > 150 ? Math.max(1, ws[149] + (ws.filter(w => w >= ws[149]).length > 150 ? 1 : 0)) : 1;
    }
    const edgesAll = [];
    const names = new Map();
    rows.forEach(r => {
      if (!r[a] || !r[b]) return;
      [[a, r[a].value], [b, r[b].value]].forEach(([v, iri]) => {
        if (names.has(iri)) return;
        const lv = vars.find(x => x.toLowerCase() === (v + "label").toLowerCase() || v === x + "Iri");
        names.set(iri, lv && r[lv] ? r[lv].value : labelOfIri(iri));
      });
      edgesAll.push({ s: r[a].value, t: r[b].value, w: wVar && r[wVar] ? Number(r[wVar].value) : 1 });
    });
    const maxW = Math.max(1, ...edgesAll.map(e => e.w));
    // controls: weight threshold, focus actor
    controls.textContent = "";
    const form = el("div", { class: "netcontrols" });
    const minLab = el("label", {}, T("Minst felles satsinger "));
    const minIn = el("input", { type: "number", min: "1", max: String(maxW), value: String(net.min), id: "net-min" });
    minIn.addEventListener("change", () => { net.min = Math.max(1, Math.min(maxW, parseInt(minIn.value, 10) || 1)); show(); });
    minLab.appendChild(minIn);
    const focLab = el("label", {}, T("Fokus på aktør "));
    const focSel = el("select", { id: "net-focus" });
    focSel.appendChild(el("option", { value: "" }, T("alle")));
    [...names.entries()].sort((x, y) => natural(x[1], y[1])).forEach(([iri, name]) => {
      const o = el("option", { value: iri }, name);
      if (iri === net.focus) o.selected = true;
      focSel.appendChild(o);
    });
    focSel.addEventListener("change", () => { net.focus = focSel.value; show(); });
    focLab.appendChild(focSel);
    form.appendChild(minLab); form.appendChild(focLab);
    controls.appendChild(form);

    let edges = edgesAll.filter(e => e.w >= net.min);
    if (net.focus) edges = edges.filter(e => e.s === net.focus || e.t === net.focus);
    const nodes = new Map();
    const node = iri => {
      if (!nodes.has(iri)) nodes.set(iri, { iri, label: names.get(iri), deg: 0, x: 0, y: 0 });
      return nodes.get(iri);
    };
    edges = edges.map(e => { const s = node(e.s), t = node(e.t); s.deg += e.w; t.deg += e.w; return { s, t, w: e.w }; });
    const ns = Array.from(nodes.values());
    const summary = el("p", { class: "netsummary" }, `${ns.length} ${T("aktører")}, ${edges.length} ${T("par")}` +
      (net.min > 1 ? `${T(" med minst ")}${net.min}${T(" felles satsinger")}` : "") + (net.focus ? `${T(" rundt ")}${names.get(net.focus)}` : "") +
      T(". Navn vises for de mest sentrale aktørene (pek på en node for navnet)."));
    controls.appendChild(summary);
    if (!ns.length) return el("p", {}, T("Ingen par over terskelen."));
    const W = 900, H = 640;
    // deterministic start (a circle) and a fixed number of Fruchterman–Reingold steps
    ns.forEach((n, i) => { const ang = 2 * Math.PI * i / ns.length; n.x = W / 2 + 250 * Math.cos(ang); n.y = H / 2 + 220 * Math.sin(ang); });
    if (net.focus) { const f = nodes.get(net.focus); if (f) { f.x = W / 2; f.y = H / 2; } }
    const k = Math.sqrt((W * H) / Math.max(1, ns.length)) * 0.9;
    for (let step = 0; step < 300; step++) {
      const temp = 40 * (1 - step / 300) + 1;
      ns.forEach(n => { n.dx = 0; n.dy = 0; });
      for (let i = 0; i < ns.length; i++) for (let j = i + 1; j < ns.length; j++) {
        const p = ns[i], q = ns[j];
        const dx = p.x - q.x, dy = p.y - q.y, d = Math.sqrt(dx * dx + dy * dy) || 0.01;
        const f = (k * k) / d;
        p.dx += dx / d * f; p.dy += dy / d * f; q.dx -= dx / d * f; q.dy -= dy / d * f;
      }
      edges.forEach(e => {
        const dx = e.s.x - e.t.x, dy = e.s.y - e.t.y, d = Math.sqrt(dx * dx + dy * dy) || 0.01;
        const f = (d * d) / k * Math.min(3, 0.5 + 0.25 * e.w);
        e.s.dx -= dx / d * f; e.s.dy -= dy / d * f; e.t.dx += dx / d * f; e.t.dy += dy / d * f;
      });
      ns.forEach(n => {
        n.dx += (W / 2 - n.x) * 0.01; n.dy += (H / 2 - n.y) * 0.01;
        const d = Math.sqrt(n.dx * n.dx + n.dy * n.dy) || 1;
        n.x = Math.min(W - 20, Math.max(20, n.x + n.dx / d * Math.min(d, temp)));
        n.y = Math.min(H - 20, Math.max(20, n.y + n.dy / d * Math.min(d, temp)));
      });
    }
    // hubs: the ten with the largest weighted degree (and the focused actor) get a visible label
    const hubs = new Set(ns.slice().sort((x, y) => y.deg - x.deg || natural(x.label, y.label)).slice(0, 8).map(n => n.iri));
    if (net.focus) hubs.add(net.focus);
    const svg = el("svg:svg", { viewBox: `0 0 ${W} ${H}`, class: "network", role: "img", preserveAspectRatio: "xMidYMid meet" });
    edges.forEach(e => {
      const line = el("svg:line", { x1: e.s.x, y1: e.s.y, x2: e.t.x, y2: e.t.y, class: "edge", "stroke-width": Math.min(6, 0.5 + e.w) });
      line.appendChild(el("svg:title", {}, `${e.s.label} – ${e.t.label}: ${e.w}`));
      svg.appendChild(line);
    });
    ns.forEach(n => {
      const h = href(n.iri);
      const g = h ? el("svg:a", { href: h, class: hubs.has(n.iri) ? "hub" : "" }) : el("svg:g", { class: hubs.has(n.iri) ? "hub" : "" });
      const c = el("svg:circle", { cx: n.x, cy: n.y, r: 4 + Math.min(10, Math.sqrt(n.deg) * 2), class: "node" });
      c.appendChild(el("svg:title", {}, n.label));
      g.appendChild(c);
      if (hubs.has(n.iri)) g.appendChild(el("svg:text", { x: n.x + 8, y: n.y + 4, class: "nodelabel" }, n.label));
      svg.appendChild(g);
    });
    return svg;
  }

  let lastJson = null;
  function show() {
    out.textContent = "";
    if (viewsel.value !== "network") controls.textContent = "";
    if (!lastJson) return;
    const res = lastJson;
    if (res.boolean !== undefined) { out.appendChild(el("p", { class: "boolean" }, res.boolean ? T("ja (true)") : T("nei (false)"))); return; }
    const v = viewsel.value;
    if (v === "bar") out.appendChild(barChart(res));
    if (v === "network") out.appendChild(network(res));
    out.appendChild(table(res));
  }

  function setDownloads(q) {
    const name = current ? current.name : "resultat";
    const base = (data.root || "./") + "query/download?name=" + encodeURIComponent(name) + "&query=" + encodeURIComponent(q);
    $("dl-csv").href = base + "&format=csv";
    $("dl-json").href = base + "&format=json";
  }

  async function post(q) {
    return fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json" },
      body: "query=" + encodeURIComponent(q),
    });
  }

  // Labels (nb first, then no/nn, untagged, en) of the IRIs in the results, in one query.
  async function fetchLabels(res) {
    labels = {};
    if (!res.results) return;
    const iris = new Set();
    res.results.bindings.forEach(row => Object.values(row).forEach(b => { if (b.type === "uri" && !/[\s<>"{}|\\^`]/.test(b.value)) iris.add(b.value); }));
    const list = [...iris].slice(0, 2000);
    if (!list.length) return;
    const q = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nPREFIX dct: <http://purl.org/dc/terms/>\n" +
      "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?s ?l WHERE { VALUES ?s { " +
      list.map(i => "<" + i + ">").join(" ") + " } { ?s skos:prefLabel ?l } UNION { ?s dct:title ?l } UNION { ?s rdfs:label ?l } }";
    try {
      const resp = await post(q);
      if (!resp.ok) return;
      const rank = l => ({ nb: 0, no: 1, nn: 2, "": 3, en: 4 })[l] ?? 5;
      const best = {};
      (await resp.json()).results.bindings.forEach(r => {
        const s = r.s.value, lang = (r.l["xml:lang"] || "").toLowerCase().split("-")[0];
        if (!(s in best) || rank(lang) < best[s][0]) best[s] = [rank(lang), r.l.value];
      });
      for (const s in best) labels[s] = best[s][1];
    } catch (e) { /* labels are a nicety: the IRIs' short names stay */ }
  }

  async function run(ev) {
    if (ev) ev.preventDefault();
    const q = ta.value;
    setDownloads(q);
    status.className = ""; status.textContent = T("kjører …");
    const t0 = performance.now();
    try {
      const resp = await post(q);
      const body = await resp.text();
      if (!resp.ok) { status.className = "error"; status.textContent = resp.status + ": " + body; lastJson = null; show(); $("sparql-toggle").open = true; return; }
      if (!(resp.headers.get("content-type") || "").includes("json")) {
        out.textContent = ""; out.appendChild(el("pre", {}, body)); status.textContent = ""; return;
      }
      lastJson = JSON.parse(body);
      await fetchLabels(lastJson);
      const n = lastJson.results ? lastJson.results.bindings.length : 1;
      const trunc = resp.headers.get("X-SPARQL-Truncated") ? T(" (avkortet)") : "";
      status.textContent = number(String(n)) + T(" rader") + trunc + " · " + Math.round(performance.now() - t0) + " ms";
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
  ta.addEventListener("input", () => setDownloads(ta.value));

  const params = new URLSearchParams(location.search);
  const pick = params.get("q") || params.get("view");
  if (pick) select(pick);
  if (params.get("run") === "1") run(); else setDownloads(ta.value);
})();
