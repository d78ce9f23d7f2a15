// The review page: plain JS, no build. Views by URL hash:
//   #/queue[/SHA]            the review queue (all documents, or one), keyboard-driven
//   #/field/SHA/FIELD_ID     one field (from the document view)
//   #/documents              upload, list and filter documents
//   #/doc/SHA                a document's tables as the national form lays them out
// Text from documents is always set with textContent, never parsed as HTML.
"use strict";

const main = document.getElementById("main");
const state = { reviewer: null, queue: null };

// ------------------------------------------------------------------ helpers

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "style") el.style.cssText = v;  // CSSOM: allowed by the page's CSP
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

class HttpError extends Error {
  constructor(status, detail) { super(detail); this.status = status; }
}

async function api(path, options = {}) {
  const opts = { credentials: "same-origin", headers: {}, ...options };
  if (opts.json !== undefined) {
    opts.body = JSON.stringify(opts.json);
    opts.headers["Content-Type"] = "application/json";
    delete opts.json;
  }
  const resp = await fetch(path, opts);
  if (resp.status === 401 && !path.endsWith("/login")) {
    state.reviewer = null;
    showLogin();
    throw new HttpError(401, "sign in");
  }
  const type = resp.headers.get("content-type") || "";
  const body = type.includes("json") ? await resp.json() : await resp.text();
  if (!resp.ok) {
    const detail = body && body.detail !== undefined ? body.detail : body;
    throw new HttpError(resp.status, typeof detail === "string" ? detail : JSON.stringify(detail));
  }
  return body;
}

function fmt(v) {
  if (v === null || v === undefined) return "—";
  return typeof v === "number" ? String(+v.toFixed(6)) : String(v);
}

function pct(c) { return (100 * c).toFixed(0) + "%"; }

function setActive(name) {
  for (const a of document.querySelectorAll("#bar nav a")) a.classList.toggle("active", a.id === "nav-" + name);
}

// Parse what a reviewer typed: digits (full-width too), commas as thousands separators;
// "/", "-", "—" or "空" for an empty cell. Returns {value} or {error}.
function parseAnswer(text) {
  let t = text.trim().replace(/[\uFF10-\uFF19]/g, d => String.fromCharCode(d.charCodeAt(0) - 0xFF10 + 48));
  t = t.replace(/[．。]/g, ".").replace(/[,，\s]/g, "");
  if (["/", "-", "—", "空", "无"].includes(t)) return { value: null };
  if (!/^-?\d+(\.\d+)?$/.test(t)) return { error: `“${text}” is not a number (type / for an empty cell)` };
  return { value: Number(t) };
}

// ------------------------------------------------------------------ sign in

function showLogin(message) {
  document.getElementById("who").textContent = "";
  document.getElementById("logout").hidden = true;
  const err = h("p", { class: "error", id: "login-error" }, message || "");
  const name = h("input", { type: "text", id: "login-name", autocomplete: "username" });
  const pass = h("input", { type: "password", id: "login-password", autocomplete: "current-password" });
  const form = h("form", { class: "card login", id: "login-form" },
    h("h1", {}, "Sign in 登录"),
    h("label", { for: "login-name" }, "Name (optional with a token)"), name,
    h("label", { for: "login-password" }, "Token or password"), pass,
    h("p", {}, h("button", { class: "primary", type: "submit" }, "Sign in")), err);
  form.addEventListener("submit", async ev => {
    ev.preventDefault();
    try {
      const r = await api("/api/login", { method: "POST", json: { name: name.value || null, password: pass.value } });
      signedIn(r.reviewer);
      route();
    } catch (e) { err.textContent = e.message; }
  });
  main.replaceChildren(form);
  pass.focus();
}

function signedIn(who) {
  state.reviewer = who;
  document.getElementById("who").textContent = who;
  document.getElementById("logout").hidden = false;
}

document.getElementById("logout").addEventListener("click", async () => {
  await api("/api/logout", { method: "POST" });
  state.reviewer = null;
  showLogin();
});

// ------------------------------------------------------------------ a field (shared by the queue and the field view)

function fieldCard(view, opts) {
  const l = view.labels || {};
  const reviewed = view.reviewed;
  const conf = h("span", { class: "conf" + (view.confidence < 0.8 ? " low" : "") }, "confidence " + pct(view.confidence));
  const evidence = h("div", { class: "evidence", id: "evidence" }, h("p", { class: "muted" }, "No place in the source (the value was not printed)."));
  if (view.crop_url) {
    evidence.replaceChildren(h("img", { id: "crop", src: view.crop_url, alt: `${l.row} · ${l.column}` }));
  } else if (view.lines_url) {
    evidence.replaceChildren(h("p", { class: "muted" }, "Loading the source lines…"));
    api(view.lines_url).then(r => {
      evidence.replaceChildren(h("div", { class: "lines", id: "source-lines" },
        r.lines.map(ln => h("div", { class: ln.focus ? "focus" : "" }, h("span", { class: "n" }, ln.number), ln.text))));
      const f = evidence.querySelector(".focus");
      if (f) f.scrollIntoView({ block: "center" });
    }).catch(e => evidence.replaceChildren(h("p", { class: "error" }, e.message)));
  }
  const rules = h("ul", { class: "rules", id: "rules" },
    view.rules.map(r => h("li", { class: r.holds === false ? "bad" : r.holds ? "ok" : "" }, r.text,
      h("span", { class: "detail" }, `${r.where} — ${r.rule}`))));
  if (!view.rules.length) rules.append(h("li", { class: "muted" }, "No rule of the form involves this field."));
  const failed = view.checks.filter(c => !c.ok);
  const checks = failed.length ? h("details", { class: "checks" }, h("summary", {}, `what the extractor's checks said (${failed.length})`),
    h("ul", { class: "rules" }, failed.map(c => h("li", { class: "bad" }, c.detail)))) : null;
  const source = view.source && view.source.text !== undefined && view.source.text !== ""
    ? `printed “${view.source.text}”` + (view.source.page ? ` · page ${view.source.page}` : "") + (view.source.line ? ` · line ${view.source.line}` : "")
    : (view.source && view.source.derivation) || "";
  const answer = h("input", { type: "text", id: "answer", autocomplete: "off", spellcheck: "false",
                              placeholder: `Enter = keep ${fmt(view.value)}`, "aria-label": "new value" });
  const flash = h("div", { class: "flash", id: "flash" });
  answer.addEventListener("keydown", ev => opts.onKey(ev, answer, flash));
  const card = h("section", { class: "card", id: "field-card", dataset: { field: view.field_id, sha: view.sha256 } },
    h("div", { class: "field-head labels" },
      h("span", { class: "table" }, `${l.section || ""} · ${l.table || ""}`),
      h("span", { class: "row", id: "row-label" }, l.row || view.field_id),
      h("span", { class: "col", id: "column-label" }, l.column || "")),
    h("div", { class: "value-line" },
      h("span", { class: "value", id: "value" }, fmt(view.value), view.unit ? h("small", {}, " " + view.unit) : null),
      conf, h("span", { class: "badge " + (reviewed ? reviewed.action : view.status) }, reviewed ? reviewed.action + " by " + reviewed.reviewer : view.status),
      h("span", { class: "muted" }, source),
      h("span", { class: "muted" }, `${view.document} · ${view.agency || "?"} · ${view.year || "?"} · template ${view.template}`)),
    evidence,
    h("h2", {}, "What the form's rules say 勾稽关系"), rules, checks,
    h("div", { class: "answer" }, answer,
      h("span", { class: "keys" }, h("kbd", {}, "Enter"), " confirm · type a number then ", h("kbd", {}, "Enter"),
        " to replace (", h("kbd", {}, "/"), " = empty) · ", h("kbd", {}, "Tab"), " skip · ", h("kbd", {}, "Shift+Tab"), " back")),
    flash,
    view.history.length ? h("details", {}, h("summary", {}, `${view.history.length} decision(s) so far`),
      h("ul", {}, view.history.map(c => h("li", {}, `${c.time} ${c.reviewer}: ${fmt(c.value_before)} → ${fmt(c.value_after)}`)))) : null);
  return { card, answer };
}

async function decide(view, answer, flash) {
  const text = answer.value;
  let body;
  if (text.trim() === "") body = { action: "confirm", expected_before: view.value };
  else {
    const p = parseAnswer(text);
    if (p.error) { flash.className = "flash error"; flash.textContent = p.error; return false; }
    body = { action: "correct", value: p.value, expected_before: view.value };
  }
  try {
    await api(`/api/documents/${view.sha256}/fields/${encodeURIComponent(view.field_id)}/corrections`, { method: "POST", json: body });
    return true;
  } catch (e) {
    flash.className = "flash error";
    flash.textContent = e.message;
    return false;
  }
}

// ------------------------------------------------------------------ the queue

function skippedSet() {
  try { return new Set(JSON.parse(sessionStorage.getItem("skipped") || "[]")); } catch { return new Set(); }
}
function saveSkipped(set) { sessionStorage.setItem("skipped", JSON.stringify([...set])); }
const keyOf = it => it.sha256 + "|" + it.field_id;

async function showQueue(doc) {
  setActive("queue");
  const q = { doc, items: [], pos: 0, done: 0, skipped: skippedSet(), counts: null };
  state.queue = q;
  await loadQueue(q);
  renderQueueItem(q);
}

async function loadQueue(q) {
  const params = new URLSearchParams({ limit: "500" });
  if (q.doc) params.set("document", q.doc);
  const r = await api("/api/review/queue?" + params);
  q.counts = r.counts;
  q.open = r.open;
  q.items = r.items.filter(it => !q.skipped.has(keyOf(it)));
  q.pos = Math.min(q.pos, Math.max(q.items.length - 1, 0));
}

function progressBar(q) {
  const c = q.counts || { total: 0, decided: 0, open: 0 };
  const share = c.total ? c.decided / c.total : 1;
  return h("div", { class: "progress", id: "progress" },
    h("span", {}, `${c.decided} of ${c.total} reviewed`),
    h("div", { class: "track" }, h("div", { class: "fill", style: `width:${(100 * share).toFixed(1)}%` })),
    h("span", { class: "muted" }, `${c.open} open` + (q.skipped.size ? ` · ${q.skipped.size} skipped` : "") +
      (q.items.length ? ` · item ${q.pos + 1} of ${q.items.length}` : "")),
    q.doc ? h("a", { href: `#/doc/${q.doc}` }, "document view") : null);
}

async function renderQueueItem(q) {
  if (state.queue !== q) return;
  if (!q.items.length) {
    main.replaceChildren(progressBar(q), h("div", { class: "card", id: "queue-empty" },
      h("h1", {}, q.skipped.size ? "Nothing left but skipped fields" : "The review queue is empty 已全部审核"),
      q.skipped.size ? h("button", { class: "primary", id: "unskip", onclick: async () => {
        q.skipped.clear(); saveSkipped(q.skipped); await loadQueue(q); renderQueueItem(q);
      } }, `Review the ${q.skipped.size} skipped field(s)`) : h("p", { class: "muted" }, "New uploads add to it when their extraction finishes.")));
    return;
  }
  const it = q.items[q.pos];
  let view;
  try {
    view = await api(`/api/documents/${it.sha256}/fields/${encodeURIComponent(it.field_id)}`);
  } catch (e) { main.replaceChildren(h("p", { class: "error" }, e.message)); return; }
  if (state.queue !== q) return;
  const { card, answer } = fieldCard(view, {
    onKey: async (ev, input, flash) => {
      if (ev.key === "Enter") {
        ev.preventDefault();
        input.disabled = true;
        if (await decide(view, input, flash)) {
          q.done += 1;
          q.items.splice(q.pos, 1);
          if (q.pos >= q.items.length) { await loadQueue(q); q.pos = 0; }
          else q.counts = (await api(`/api/review/queue?limit=1` + (q.doc ? `&document=${q.doc}` : ""))).counts;
          renderQueueItem(q);
        } else { input.disabled = false; input.focus(); }
      } else if (ev.key === "Tab" && !ev.shiftKey) {
        ev.preventDefault();
        q.skipped.add(keyOf(it)); saveSkipped(q.skipped);
        q.pos += 1;
        if (q.pos >= q.items.length) { await loadQueue(q); q.pos = 0; }
        renderQueueItem(q);
      } else if (ev.key === "Tab" && ev.shiftKey) {
        ev.preventDefault();
        if (q.pos > 0) { q.pos -= 1; q.skipped.delete(keyOf(q.items[q.pos])); saveSkipped(q.skipped); renderQueueItem(q); }
      } else if (ev.key === "Escape") {
        input.value = "";
      }
    },
  });
  main.replaceChildren(progressBar(q), card);
  answer.focus();
  const next = q.items[q.pos + 1];  // fetch the next crop while this one is looked at
  if (next && (next.kind === "pdf" || next.kind === "image")) new Image().src = `/api/documents/${next.sha256}/fields/${encodeURIComponent(next.field_id)}/crop.png`;
}

// ------------------------------------------------------------------ one field, outside the queue

async function showField(sha, fid) {
  setActive("");
  state.queue = null;
  const view = await api(`/api/documents/${sha}/fields/${encodeURIComponent(fid)}`);
  const { card, answer } = fieldCard(view, {
    onKey: async (ev, input, flash) => {
      if (ev.key === "Enter") {
        ev.preventDefault();
        if (await decide(view, input, flash)) location.hash = `#/doc/${sha}`;
      } else if (ev.key === "Escape" || (ev.key === "Tab" && !ev.shiftKey)) {
        ev.preventDefault();
        location.hash = `#/doc/${sha}`;
      }
    },
  });
  main.replaceChildren(h("p", {}, h("a", { href: `#/doc/${sha}` }, "← document view")), card);
  answer.focus();
}

// ------------------------------------------------------------------ documents

async function showDocuments() {
  setActive("documents");
  state.queue = null;
  const files = h("input", { type: "file", id: "upload-files", multiple: true, accept: ".pdf,.html,.htm,.txt,.md,text/plain,text/html,application/pdf" });
  const out = h("div", { id: "upload-result" });
  const upload = h("form", { class: "card", id: "upload-form" }, h("h1", {}, "Upload reports 上传"), files, " ",
    h("button", { class: "primary", type: "submit" }, "Upload"), out);
  upload.addEventListener("submit", async ev => {
    ev.preventDefault();
    if (!files.files.length) return;
    const fd = new FormData();
    for (const f of files.files) fd.append("files", f);
    out.replaceChildren(h("p", { class: "muted" }, "Uploading…"));
    try {
      const resp = await fetch("/api/documents", { method: "POST", body: fd, credentials: "same-origin" });
      const body = await resp.json();
      const docs = body.documents || [];
      out.replaceChildren(h("ul", {}, docs.map(d => h("li", { class: d.error ? "error" : "" },
        d.error ? d.error : `${d.name}: ${d.duplicate ? "already here" : "queued"}`))));
      if (!docs.length) out.replaceChildren(h("p", { class: "error" }, JSON.stringify(body.detail || body)));
    } catch (e) { out.replaceChildren(h("p", { class: "error" }, e.message)); }
    files.value = "";
    refresh();
  });

  const f = { template: h("select", { id: "f-template" }, ["", "2019", "2021"].map(v => h("option", { value: v }, v || "any"))),
              year: h("input", { type: "number", id: "f-year", min: "2000", max: "2100", style: "width:6rem" }),
              agency: h("input", { type: "text", id: "f-agency" }),
              status: h("select", { id: "f-status" }, ["", "queued", "running", "done", "failed", "success", "partial", "failure"].map(v => h("option", { value: v }, v || "any"))),
              needs_review: h("select", { id: "f-review" }, [["", "any"], ["true", "yes"], ["false", "no"]].map(([v, t]) => h("option", { value: v }, t))) };
  const filters = h("div", { class: "filters card" },
    h("label", {}, "template ", f.template), h("label", {}, "year ", f.year), h("label", {}, "agency ", f.agency),
    h("label", {}, "status ", f.status), h("label", {}, "needs review ", f.needs_review),
    h("a", { href: "/api/export/results?format=csv" }, "export CSV"), h("a", { href: "/api/export/results?format=parquet" }, "export Parquet"),
    h("a", { href: "/api/export/corrections" }, "export corrections (JSONL)"));
  const list = h("div", { id: "documents" });
  main.replaceChildren(upload, filters, list);
  for (const el of Object.values(f)) el.addEventListener("change", refresh);

  let timer = null;
  async function refresh() {
    clearTimeout(timer);
    const params = new URLSearchParams();
    for (const [k, el] of Object.entries(f)) if (el.value) params.set(k, el.value);
    let r;
    try { r = await api("/api/documents?" + params); } catch (e) { list.replaceChildren(h("p", { class: "error" }, e.message)); return; }
    if (!main.contains(list)) return;
    list.replaceChildren(h("p", { class: "muted" }, `${r.total} document(s)`), h("table", { class: "list" },
      h("thead", {}, h("tr", {}, ["document", "agency", "year", "template", "job", "to review", ""].map(t => h("th", {}, t)))),
      h("tbody", {}, r.documents.map(d => h("tr", { dataset: { sha: d.sha256 } },
        h("td", {}, d.job.status === "done" ? h("a", { href: `#/doc/${d.sha256}` }, d.name) : d.name, h("div", { class: "muted" }, `${d.kind}${d.pages ? " · " + d.pages + " p." : ""}`)),
        h("td", {}, d.agency || ""), h("td", {}, d.year || ""), h("td", {}, d.template || ""),
        h("td", { class: "status-" + d.job.status }, d.job.status + (d.doc_status ? ` (${d.doc_status})` : ""),
          d.job.error ? h("div", { class: "err" }, d.job.error) : null),
        h("td", {}, d.review_total ? `${d.review_open} of ${d.review_total}` : ""),
        h("td", {}, d.review_open ? h("a", { href: `#/queue/${d.sha256}` }, "review") : ""))))));
    if (r.documents.some(d => d.job.status === "queued" || d.job.status === "running")) timer = setTimeout(refresh, 1500);
  }
  refresh();
}

// ------------------------------------------------------------------ a document as the form lays it out

async function showDocument(sha) {
  setActive("documents");
  state.queue = null;
  const r = await api(`/api/documents/${sha}/tables`);
  const d = r.document;
  const head = h("section", { class: "card" },
    h("h1", {}, `${d.agency || "(agency not found)"} · ${d.year || "?"} · template ${r.template || "none"}`),
    h("p", { class: "muted" }, `${d.name} · ${d.kind}${d.pages ? " · " + d.pages + " pages" : ""} · ${r.summary.status} · ` +
      `${r.review.open} field(s) to review of ${r.review.total}`),
    h("p", {}, r.review.open ? [h("a", { href: `#/queue/${sha}`, id: "review-doc" }, "Review this document"), " · "] : null,
      "result ", h("a", { href: `/api/documents/${sha}/result` }, "JSON"), " · ", h("a", { href: `/api/documents/${sha}/result?format=csv` }, "CSV"),
      " · ", h("a", { href: `/api/documents/${sha}/original` }, "original")),
    h("p", { class: "legend" }, h("span", { class: "st-review" }, "review"), h("span", { class: "st-inferred" }, "inferred"),
      h("span", { class: "st-missing" }, "? missing"), h("span", {}, "— blank"), h("span", { class: "rv-corrected" }, "corrected")),
    r.failed_checks.length ? h("details", { class: "checks" }, h("summary", { class: "error" }, `${r.failed_checks.length} rule(s) of the form fail`),
      h("ul", { class: "rules" }, r.failed_checks.map(c => h("li", { class: "bad" }, c.detail)))) : null);
  const tables = r.tables.map(t => h("section", {},
    h("h2", {}, `${t.section} · ${t.title}`),
    h("table", { class: "form", id: "table-" + t.id },
      h("thead", {}, t.header.map(row => h("tr", {}, row.map(c => h("th", { colspan: c.colspan > 1 ? c.colspan : null, rowspan: c.rowspan > 1 ? c.rowspan : null }, c.text))))),
      h("tbody", {}, t.rows.map(row => h("tr", {}, row.map(c => c.field === undefined
        ? h("th", { class: "rowlabel", colspan: c.colspan > 1 ? c.colspan : null, rowspan: c.rowspan > 1 ? c.rowspan : null }, c.text)
        : h("td", { class: `st-${c.status}` + (c.reviewed ? ` rv-${c.reviewed}` : ""), title: `${c.field} · ${c.status} · ${pct(c.confidence)}`,
                    dataset: { field: c.field }, onclick: () => { location.hash = `#/field/${sha}/${c.field}`; } },
            c.status === "missing" ? "?" : c.status === "blank" ? "—" : fmt(c.value)))))))));
  main.replaceChildren(head, ...tables);
}

// ------------------------------------------------------------------ routing

async function route() {
  if (!state.reviewer) return;
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean);
  try {
    if (parts[0] === "documents") await showDocuments();
    else if (parts[0] === "doc" && parts[1]) await showDocument(parts[1]);
    else if (parts[0] === "field" && parts[2]) await showField(parts[1], decodeURIComponent(parts[2]));
    else await showQueue(parts[0] === "queue" ? parts[1] : undefined);
  } catch (e) {
    if (e.status !== 401) main.replaceChildren(h("p", { class: "error" }, e.message));
  }
}

window.addEventListener("hashchange", route);

// Keys pressed while the answer box has lost focus (a click on the image) still drive the card.
document.addEventListener("keydown", ev => {
  const answer = document.getElementById("answer");
  const t = ev.target;
  if (!answer || answer.disabled || t === answer || ["INPUT", "SELECT", "TEXTAREA", "BUTTON", "A", "SUMMARY"].includes(t.tagName)) return;
  if (ev.key === "Enter" || ev.key === "Tab" || ev.key === "Escape") {
    ev.preventDefault();
    answer.focus();
    answer.dispatchEvent(new KeyboardEvent("keydown", { key: ev.key, shiftKey: ev.shiftKey, bubbles: true }));
  } else if (ev.key.length === 1 && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
    answer.focus();  // the character lands in the answer box
  }
});

(async function start() {
  try {
    const me = await api("/api/me");
    signedIn(me.reviewer);
    route();
  } catch (e) {
    if (e.status !== 401) main.replaceChildren(h("p", { class: "error" }, e.message));
  }
})();
