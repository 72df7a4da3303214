// infgen dashboard: renders the admin API's JSON (/v1/…); no logic of its own.
"use strict";

let config = { readOnly: false };
const main = document.getElementById("main");

// h builds an element; children are nodes or strings (set as text, never HTML).
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

async function api(method, path, body) {
  const opts = { method, headers: {}, credentials: "same-origin" };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const res = await fetch(path, opts);
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = text; }
  if (!res.ok && res.status !== 202) {
    const msg = (data && data.error) || (method + " " + path + ": HTTP " + res.status);
    throw new Error(msg);
  }
  return data;
}

function flash(msg, isErr) {
  const box = h("div", { class: isErr ? "err" : "" }, msg);
  document.getElementById("flash").append(box);
  setTimeout(() => box.remove(), 6000);
}

function statusBadge(s, parked) {
  const label = parked ? "parked" : s;
  return h("span", { class: "status status-" + label }, label);
}

function fmtTime(t) {
  if (!t || t.startsWith("0001-")) return "";
  const d = new Date(t);
  return isNaN(d) ? t : d.toLocaleString();
}

function fmtDuration(ns) {
  if (!ns) return "";
  const ms = ns / 1e6;
  if (ms < 1000) return ms + "ms";
  const s = ms / 1000;
  if (s < 120) return s + "s";
  return Math.round(s / 60) + "m";
}

function json(v) { return h("pre", { class: "mono" }, JSON.stringify(v, null, 2)); }

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, query] = raw.split("?");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), q: new URLSearchParams(query || "") };
}

// watch is the timer that refreshes a running workflow's page.
let watch = null;

async function route() {
  clearTimeout(watch);
  const { parts, q } = parseHash();
  const page = parts[0] || "workflows";
  for (const a of document.querySelectorAll("[data-nav]")) {
    a.classList.toggle("active", a.dataset.nav === page || (page === "workflow" && a.dataset.nav === "workflows") ||
      (page === "schedule" && a.dataset.nav === "schedules"));
  }
  main.replaceChildren(h("p", { class: "muted" }, "Loading…"));
  try {
    if (page === "workflow" && parts[1]) await showWorkflow(parts[1]);
    else if (page === "dead-letters") await showDeadLetters();
    else if (page === "workers") await showWorkers();
    else if (page === "schedules") await showSchedules();
    else if (page === "schedule" && parts[1]) await showSchedule(parts[1]);
    else if (page === "start") await showStart(q);
    else if (page === "methods") await showMethods(null);
    else await showWorkflows(q);
  } catch (e) {
    main.replaceChildren(h("h1", {}, "Error"), h("p", { class: "error", id: "page-error" }, e.message));
  }
  main.focus({ preventScroll: true });
}

// ---------------------------------------------------------------- workflows

// The list's filters: the hash's keys, and the API's query parameter
// each one becomes (times go from the page's local time to RFC 3339).
const timeFilters = [
  ["started_after", "Started from"], ["started_before", "Started before"],
  ["updated_after", "Updated from"], ["updated_before", "Updated before"]];

async function showWorkflows(q) {
  const status = q.get("status") || (q.get("list") === "parked" ? "parked" : "");
  const tag = q.get("tag") || "";
  const name = q.get("name") || "";
  const prefix = q.get("prefix") || "";
  const after = q.get("after") || "";
  const limit = q.get("limit") || "50";
  const params = new URLSearchParams({ limit });
  if (tag) params.set("tag", tag);
  if (name) params.set("name", name);
  if (status) params.set("status", status);
  if (prefix) params.set("prefix", prefix);
  if (after) params.set("after", after);
  for (const [k] of timeFilters) {
    const v = q.get(k);
    if (!v) continue;
    const d = new Date(v);
    if (isNaN(d)) throw new Error(k.replace("_", " ") + ": not a time: " + v);
    params.set(k, d.toISOString());
  }
  const [page, names] = await Promise.all([api("GET", "/v1/workflows?" + params), workflowNames()]);
  const ids = page.ids || [];
  const descs = await Promise.all(ids.map((id) =>
    api("GET", "/v1/workflows/" + encodeURIComponent(id)).catch((e) => ({ id, error: e.message }))));

  const form = h("form", { class: "filters", id: "filters" },
    h("label", {}, "Status", h("select", { name: "status" },
      [["", "running (any with a name or tag)"], ["running", "running"], ["parked", "parked"],
        ["completed", "completed"], ["failed", "failed"], ["canceled", "canceled"]]
        .map(([v, label]) => h("option", { value: v, selected: v === status }, label)))),
    h("label", {}, "Name", h("input", { name: "name", value: name, placeholder: "workflow name", list: "workflow-names" })),
    h("datalist", { id: "workflow-names" }, names.map((n) => h("option", { value: n }))),
    h("label", {}, "Tag", h("input", { name: "tag", value: tag, placeholder: "tag" })),
    h("label", {}, "Id prefix", h("input", { name: "prefix", value: prefix, placeholder: "id prefix" })),
    timeFilters.map(([k, label]) => h("label", {}, label, h("input", { type: "datetime-local", step: 1, name: k, value: q.get(k) || "" }))),
    h("label", {}, "Per page", h("input", { name: "limit", value: limit, size: 4, inputmode: "numeric" })),
    h("button", { type: "submit" }, "Show"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) p.set(k, v);
    location.hash = "#/workflows?" + p;
  });

  const rows = descs.map((d) => h("tr", { "data-id": d.id },
    h("td", { class: "mono" }, h("a", { href: "#/workflow/" + encodeURIComponent(d.id) }, d.id)),
    h("td", {}, d.name || ""),
    h("td", {}, d.error ? h("span", { class: "error" }, d.error) : statusBadge(d.status, d.parked)),
    h("td", {}, fmtTime(d.created)),
    h("td", {}, fmtTime(d.updated)),
    h("td", {}, d.error ? "" : pendingSummary(d))));

  const pager = h("div", { class: "pager" });
  if (after) {
    const p = new URLSearchParams(q); p.delete("after");
    pager.append(h("a", { href: "#/workflows?" + p }, "« First page"));
  }
  if (page.next) {
    const p = new URLSearchParams(q); p.set("after", page.next);
    pager.append(h("a", { href: "#/workflows?" + p, id: "next-page" }, "Next page »"));
  }
  main.replaceChildren(
    h("h1", {}, listTitle(status, name, tag)),
    form,
    ids.length === 0 ? h("p", { class: "muted", id: "empty" }, "No workflows.") :
      h("table", { id: "workflows" },
        h("thead", {}, h("tr", {}, ["Id", "Name", "Status", "Created", "Updated", "Pending"].map((t) => h("th", {}, t)))),
        h("tbody", {}, rows)),
    pager);
}

function listTitle(status, name, tag) {
  const what = (status || (name || tag ? "" : "running")) + " workflows";
  let t = what.trim();
  t = t[0].toUpperCase() + t.slice(1);
  if (name) t += " named " + name;
  if (tag) t += " tagged " + tag;
  return t;
}

// workflowNames are the names the registered workers serve, for the name
// filter's suggestions and the start form.
async function workflowNames() {
  const ws = await api("GET", "/v1/workers").catch(() => []) || [];
  const names = new Set();
  for (const w of ws) for (const f of w.workflows || []) names.add(f.name);
  return [...names].sort();
}

// ---------------------------------------------------------------- one workflow

async function showWorkflow(id) {
  const path = "/v1/workflows/" + encodeURIComponent(id);
  const [d, st] = await Promise.all([api("GET", path), api("GET", path + "/state").catch(() => null)]);
  const parts = [h("h1", {}, "Workflow ", h("span", { class: "mono" }, id), " ", h("span", { id: "status" }, statusBadge(d.status, d.parked)))];

  parts.push(h("div", { class: "card" }, h("dl", { class: "kv" },
    kv("Name", `${d.name} (version ${d.version}, run ${d.run})`),
    kv("Tags", (d.tags || []).join(", ")),
    kv("Created", fmtTime(d.created)),
    kv("Updated", fmtTime(d.updated)),
    kv("Steps", d.steps),
    d.traceId && config.traceURL ? kv("Trace", h("a", { id: "trace-link", class: "mono", target: "_blank", rel: "noopener",
      href: config.traceURL.replaceAll("{trace_id}", encodeURIComponent(d.traceId)) }, d.traceId)) : null,
    kv("Pending", pendingSummary(d)),
    d.parked ? kv("Parked", h("span", { class: "error" }, d.parked)) : null,
    st && st.error ? kv("Error", h("span", { class: "error", id: "wf-error" }, st.error.message || JSON.stringify(st.error))) : null)));

  if (!config.readOnly) parts.push(actions(d));

  if (st) {
    if (st.input !== undefined) parts.push(h("h2", {}, "Input"), json(st.input));
    if (st.output !== undefined) parts.push(h("h2", {}, "Output"), json(st.output));
    if (st.error) parts.push(h("h2", {}, "Error"), json(st.error));
    parts.push(...pending(st, d.inSteps || []));
    parts.push(h("h2", {}, "Commands"), commandsTable(st.commands || []));
    parts.push(h("h2", {}, "History"), timeline(st.batches || []));
  }
  main.replaceChildren(...parts);
  if (d.status === "running") watchWorkflow(path, d.updated);
}

// watchWorkflow re-renders the page when the running workflow changes
// (a signal handled, a task finished), looking every two seconds.
function watchWorkflow(path, updated) {
  const hash = location.hash;
  watch = setTimeout(async () => {
    if (location.hash !== hash) return;
    try {
      const d = await api("GET", path);
      if (location.hash !== hash) return;
      if (d.updated !== updated || d.status !== "running") { route(); return; }
    } catch (e) { /* the next look may succeed */ }
    watchWorkflow(path, updated);
  }, 2000);
}

function kv(k, v) { return [h("dt", {}, k), h("dd", {}, v)]; }

function actions(d) {
  const box = h("div", { class: "card", id: "actions" }, h("h2", {}, "Actions"));
  const target = { id: d.id };
  const done = (msg) => { flash(msg); route(); };
  const fail = (e) => flash(e.message, true);
  const row = h("div", { class: "actions" });
  if (d.status === "running") {
    row.append(h("button", { class: "danger", id: "cancel", type: "button", onclick: () => {
      api("POST", "/v1/cancel", { target }).then(() => done("Cancel requested")).catch(fail);
    } }, "Cancel"));
  }
  if (d.status !== "running") {
    row.append(h("button", { id: "restart", type: "button", onclick: () => {
      api("POST", "/v1/workflows/" + encodeURIComponent(d.id) + "/restart").then((r) => done(`Restarted: run ${r.run}`)).catch(fail);
    } }, "Restart (same input)"));
  }
  row.append(h("button", { class: "secondary", id: "retry", type: "button", onclick: () => {
    api("POST", "/v1/workflows/" + encodeURIComponent(d.id) + "/retry").then((r) => done(`Retried ${r.count} task(s)`)).catch(fail);
  } }, "Retry failed tasks"));
  box.append(row);
  if (d.status === "running") {
    const form = h("form", { class: "actions", id: "signal" },
      h("label", {}, "Signal channel", h("input", { name: "channel", required: true })),
      h("label", { class: "grow" }, "Value (JSON)", h("textarea", { name: "value", rows: 2 }, "null")),
      h("button", { type: "submit" }, "Send signal"));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const f = new FormData(form);
      let value;
      try { value = JSON.parse(f.get("value") || "null"); } catch (e) { fail(new Error("value is not JSON: " + e.message)); return; }
      api("POST", "/v1/signal", { target, channel: f.get("channel"), value }).then((r) => done(`Signal delivered to ${r.count} workflow(s)`)).catch(fail);
    });
    box.append(form);
  }
  return box;
}

// pendingSummary counts a workflow's pending work, and the task attempts
// running inside a step (recorded when the step is saved).
function pendingSummary(d) {
  const n = (d.inSteps || []).length;
  return `${d.pendingTasks} tasks, ${d.pendingTimers} timers, ${d.pendingChildren} children` + (n ? `, ${n} running in a step` : "");
}

function pending(st, inSteps) {
  const out = [];
  const tasks = Object.entries(st.tasks || {});
  const timers = Object.entries(st.timers || {});
  const children = Object.entries(st.children || {});
  if (!tasks.length && !timers.length && !children.length && !inSteps.length) return out;
  out.push(h("h2", {}, "Pending"));
  const rows = [];
  for (const t of inSteps) rows.push(h("tr", { class: "in-step" }, h("td", {}, String(t.seq)), h("td", {}, "task"), h("td", {},
    `${t.service}.${t.method}: attempt ${t.attempt} running inside a step on worker `, h("span", { class: "mono" }, t.worker),
    ` since ${fmtTime(t.since)}`)));
  for (const [seq, t] of tasks) rows.push(h("tr", {}, h("td", {}, seq), h("td", {}, "task"), h("td", {},
    `attempt ${t.attempt}`, t.retryAt ? `, retry at ${fmtTime(t.retryAt)}` : "", t.lastError ? h("div", { class: "error" }, t.lastError) : null)));
  for (const [seq, at] of timers) rows.push(h("tr", {}, h("td", {}, seq), h("td", {}, "timer"), h("td", {}, "fires at " + fmtTime(at))));
  for (const [seq, cid] of children) rows.push(h("tr", {}, h("td", {}, seq), h("td", {}, "child"),
    h("td", {}, h("a", { href: "#/workflow/" + encodeURIComponent(cid), class: "mono" }, cid))));
  out.push(h("table", { id: "pending" }, h("thead", {}, h("tr", {}, h("th", {}, "Step"), h("th", {}, "Kind"), h("th", {}, "State"))), h("tbody", {}, rows)));
  return out;
}

function commandsTable(cmds) {
  if (!cmds.length) return h("p", { class: "muted" }, "No commands.");
  return h("table", { id: "commands" },
    h("thead", {}, h("tr", {}, ["Step", "Kind", "Name", "Details"].map((t) => h("th", {}, t)))),
    h("tbody", {}, cmds.map((c) => h("tr", {},
      h("td", {}, c.seq), h("td", {}, c.kind), h("td", { class: "mono" }, c.name),
      h("td", { class: "mono" },
        c.duration ? "duration " + fmtDuration(c.duration) + " " : "",
        c.childId ? h("a", { href: "#/workflow/" + encodeURIComponent(c.childId) }, c.childId) : "",
        c.timeout ? " timeout " + fmtDuration(c.timeout) : "",
        c.input !== undefined ? " input " + JSON.stringify(c.input) : "")))));
}

function timeline(batches) {
  if (!batches.length) return h("p", { class: "muted" }, "No history.");
  return h("ol", { class: "timeline", id: "history" }, batches.map((b) => h("li", {},
    h("div", { class: "when" }, fmtTime(b.time)),
    (b.events || []).map((e) => h("span", { class: "ev", title: JSON.stringify(e) },
      e.kind,
      e.seq ? " #" + e.seq : "",
      e.channel ? " " + e.channel : "",
      e.update ? " " + e.update : "",
      e.error ? " — " + (e.error.message || "error") : "")))));
}

// ---------------------------------------------------------------- dead letters

async function showDeadLetters() {
  const dls = await api("GET", "/v1/dead-letters") || [];
  const rows = dls.map((d) => h("tr", { "data-id": d.id },
    h("td", { class: "mono" }, d.id),
    h("td", { class: "mono" }, d.topic, d.key ? h("div", { class: "muted" }, "key " + d.key) : null),
    h("td", { class: "error" }, d.reason),
    h("td", {}, d.redeliveries),
    h("td", {}, fmtTime(d.time)),
    config.readOnly ? null : h("td", { class: "actions" }, h("button", { class: "secondary", type: "button", onclick: () => {
      api("POST", "/v1/dead-letters/" + encodeURIComponent(d.id) + "/redrive")
        .then(() => { flash("Redriven " + d.id); route(); }).catch((e) => flash(e.message, true));
    } }, "Redrive"), h("button", { class: "danger", type: "button", "data-drop": d.id, onclick: () => {
      api("POST", "/v1/dead-letters/" + encodeURIComponent(d.id) + "/drop")
        .then(() => { flash("Dropped " + d.id); route(); }).catch((e) => flash(e.message, true));
    } }, "Drop"))));
  main.replaceChildren(h("h1", {}, "Dead letters"),
    dls.length === 0 ? h("p", { class: "muted", id: "empty" }, "No dead letters.") :
      h("table", { id: "dead-letters" },
        h("thead", {}, h("tr", {}, ["Id", "Topic", "Reason", "Redeliveries", "Time", config.readOnly ? null : ""].filter((t) => t !== null).map((t) => h("th", {}, t)))),
        h("tbody", {}, rows)));
}

// ---------------------------------------------------------------- workers

async function showWorkers() {
  const ws = await api("GET", "/v1/workers") || [];
  const now = Date.now();
  const state = (w) => w.stopped ? "stopped" : (now - new Date(w.lastSeen)) <= 3 * w.heartbeat / 1e6 ? "live" : "stale";
  const rows = ws.map((w) => h("tr", { "data-id": w.id },
    h("td", { class: "mono" }, w.id),
    h("td", {}, h("span", { class: "status status-" + state(w) }, state(w))),
    h("td", {}, `${w.host} pid ${w.pid}`, w.version ? h("div", { class: "muted" }, w.version) : null),
    h("td", { class: "mono" }, w.admin ? h("a", { href: "http://" + w.admin + "/ui/" }, w.admin) : ""),
    h("td", {}, (w.workflows || []).map((f) => h("div", {}, `${f.name} v${(f.versions || []).join(",")}`))),
    h("td", {}, (w.services || []).map((s) => h("div", {}, `${s.name}: ${(s.methods || []).join(", ")}`))),
    h("td", {}, fmtTime(w.lastSeen))));
  main.replaceChildren(h("h1", {}, "Workers"),
    ws.length === 0 ? h("p", { class: "muted", id: "empty" }, "No workers registered.") :
      h("table", { id: "workers" },
        h("thead", {}, h("tr", {}, ["Id", "State", "Where", "Admin", "Workflows", "Services", "Last seen"].map((t) => h("th", {}, t)))),
        h("tbody", {}, rows)));
}

// ---------------------------------------------------------------- schedules

function scheduleWhen(sp) {
  if (sp.every) return "every " + fmtDuration(sp.every);
  return sp.cron + (sp.timeZone ? " (" + sp.timeZone + ")" : "");
}

function scheduleState(s) {
  return h("span", { class: "status status-" + (s.paused ? "paused" : "active") }, s.paused ? "paused" : "active");
}

function runLink(id) {
  return id ? h("a", { class: "mono", href: "#/workflow/" + encodeURIComponent(id) }, id) : "";
}

async function showSchedules() {
  const list = await api("GET", "/v1/schedules") || [];
  const rows = list.map((s) => h("tr", { "data-id": s.spec.id },
    h("td", { class: "mono" }, h("a", { href: "#/schedule/" + encodeURIComponent(s.spec.id) }, s.spec.id)),
    h("td", {}, s.spec.workflow),
    h("td", { class: "mono" }, scheduleWhen(s.spec)),
    h("td", {}, scheduleState(s), s.note ? h("div", { class: "muted" }, s.note) : null),
    h("td", {}, fmtTime((s.next || [])[0])),
    h("td", {}, runLink(s.lastRun)),
    h("td", {}, `${s.started} started, ${s.skipped} skipped, ${s.missed} missed`)));
  main.replaceChildren(h("h1", {}, "Schedules"),
    list.length === 0 ? h("p", { class: "muted", id: "empty" }, "No schedules.") :
      h("table", { id: "schedules" },
        h("thead", {}, h("tr", {}, ["Id", "Workflow", "When", "State", "Next", "Last run", "Firings"].map((t) => h("th", {}, t)))),
        h("tbody", {}, rows)));
}

async function showSchedule(id) {
  const path = "/v1/schedules/" + encodeURIComponent(id);
  const s = await api("GET", path);
  const sp = s.spec;
  const parts = [h("h1", {}, "Schedule ", h("span", { class: "mono" }, id), " ", h("span", { id: "sched-state" }, scheduleState(s)))];
  parts.push(h("div", { class: "card" }, h("dl", { class: "kv" },
    kv("Workflow", sp.workflow),
    kv("When", scheduleWhen(sp)),
    kv("Overlap", sp.overlap),
    kv("Catch-up", `${sp.catchUp} (window ${fmtDuration(sp.catchUpWindow)})`),
    sp.jitter ? kv("Jitter", fmtDuration(sp.jitter)) : null,
    (sp.tags || []).length ? kv("Tags", sp.tags.join(", ")) : null,
    s.note ? kv("Note", s.note) : null,
    kv("Next", h("span", { id: "sched-next" }, (s.next || []).map(fmtTime).join(", ") || "—")),
    kv("Last run", h("span", {}, runLink(s.lastRun), s.lastRunStatus ? " " : "", s.lastRunStatus ? statusBadge(s.lastRunStatus) : "")),
    s.buffered ? kv("Buffered", s.buffered.id) : null,
    kv("Firings", `${s.started} started, ${s.skipped} skipped (overlap), ${s.missed} missed (catch-up)`))));
  if (!config.readOnly) parts.push(scheduleActions(s));
  parts.push(h("h2", {}, "Input"), json(sp.input));
  const recent = (s.pending || []).map((f) => ({ ...f, pending: true })).concat([...(s.recent || [])].reverse());
  parts.push(h("h2", {}, "Runs"), recent.length === 0 ? h("p", { class: "muted" }, "No runs yet.") :
    h("table", { id: "schedule-runs" },
      h("thead", {}, h("tr", {}, ["Workflow", "Nominal time", "Reason", "Started"].map((t) => h("th", {}, t)))),
      h("tbody", {}, recent.map((f) => h("tr", {},
        h("td", {}, runLink(f.id)), h("td", {}, fmtTime(f.nominal)), h("td", {}, f.reason),
        h("td", {}, f.pending ? "pending" : fmtTime(f.started)))))));
  main.replaceChildren(...parts);
}

function scheduleActions(s) {
  const path = "/v1/schedules/" + encodeURIComponent(s.spec.id);
  const done = (msg) => { flash(msg); route(); };
  const fail = (e) => flash(e.message, true);
  const row = h("div", { class: "actions" });
  row.append(h("button", { id: "trigger", type: "button", onclick: () => {
    api("POST", path + "/trigger").then((r) => done("Started " + r.id)).catch(fail);
  } }, "Trigger now"));
  if (s.paused) {
    row.append(h("button", { class: "secondary", id: "resume", type: "button", onclick: () => {
      api("POST", path + "/resume").then(() => done("Resumed")).catch(fail);
    } }, "Resume"));
  } else {
    row.append(h("button", { class: "secondary", id: "pause", type: "button", onclick: () => {
      api("POST", path + "/pause", { note: "paused from the dashboard" }).then(() => done("Paused")).catch(fail);
    } }, "Pause"));
  }
  row.append(h("button", { class: "danger", id: "delete", type: "button", onclick: () => {
    if (!confirm("Delete schedule " + s.spec.id + "? Its runs go on.")) return;
    api("DELETE", path).then(() => { flash("Deleted " + s.spec.id); location.hash = "#/schedules"; }).catch(fail);
  } }, "Delete"));
  return h("div", { class: "card", id: "schedule-actions" }, h("h2", {}, "Actions"), row);
}

// ---------------------------------------------------------------- methods

function fmtSeconds(s) {
  if (s === undefined || s === null) return "—";
  if (s < 1) return (s * 1000).toFixed(s < 0.01 ? 2 : 1) + " ms";
  return s.toFixed(2) + " s";
}

// showMethods shows the task attempts by service and method, from the
// worker's own metrics; it looks again every five seconds, and the rates
// are the differences between two looks.
async function showMethods(prev) {
  const hash = location.hash;
  let snap;
  try {
    snap = await api("GET", "/v1/metrics/methods");
  } catch (e) {
    main.replaceChildren(h("h1", {}, "Methods"), h("p", { class: "muted", id: "empty" }, e.message));
    return;
  }
  if (location.hash !== hash) return;
  const before = new Map(((prev && prev.methods) || []).map((m) => [m.service + "." + m.method, m]));
  const secs = prev ? (new Date(snap.time) - new Date(prev.time)) / 1000 : 0;
  const rate = (m, f) => {
    const b = before.get(m.service + "." + m.method);
    if (!prev || secs <= 0) return "—";
    return ((f(m) - (b ? f(b) : 0)) / secs).toFixed(2) + "/s";
  };
  const methods = snap.methods || [];
  const rows = methods.map((m) => h("tr", { "data-method": m.service + "." + m.method },
    h("td", { class: "mono" }, m.service), h("td", { class: "mono" }, m.method),
    h("td", {}, rate(m, (x) => x.attempts)),
    h("td", {}, rate(m, (x) => x.failures + x.retries)),
    h("td", {}, m.attempts), h("td", {}, m.ok),
    h("td", { class: m.failures ? "error" : "" }, m.failures),
    h("td", {}, m.retries),
    h("td", {}, m.attempts ? (100 * (m.failures + m.retries) / m.attempts).toFixed(1) + " %" : "—"),
    h("td", {}, fmtSeconds(m.p50)), h("td", {}, fmtSeconds(m.p99))));
  main.replaceChildren(h("h1", {}, "Methods"),
    h("p", { class: "muted" }, "Task attempts by service method, counted by this worker since it started (its /metrics). ",
      "Rates are over the last ", prev ? Math.round(secs) + " s" : "look (shown from the next one, in 5 s)",
      "; errors are failed attempts, retried or not; p50 and p99 are estimated from the duration histogram."),
    methods.length === 0 ? h("p", { class: "muted", id: "empty" }, "No task attempts yet.") :
      h("table", { id: "methods" },
        h("thead", {}, h("tr", {}, ["Service", "Method", "Rate", "Error rate", "Attempts", "OK", "Failed", "Retried", "Errors", "p50", "p99"].map((t) => h("th", {}, t)))),
        h("tbody", {}, rows)));
  watch = setTimeout(() => { if (location.hash === hash) showMethods(snap); }, 5000);
}

// ---------------------------------------------------------------- start a workflow

// registered returns the workflows the live workers serve, by name, with
// the input schema of the newest version.
async function registered() {
  const ws = await api("GET", "/v1/workers") || [];
  const now = Date.now();
  const byName = new Map();
  for (const w of ws) {
    const live = !w.stopped && (now - new Date(w.lastSeen)) <= 3 * w.heartbeat / 1e6;
    for (const f of w.workflows || []) {
      const v = Math.max(...(f.versions || [0]));
      const had = byName.get(f.name);
      if (!had || (live && !had.live) || (live === had.live && v > had.version)) byName.set(f.name, { name: f.name, version: v, schema: f.inputSchema, live });
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

const scalarTypes = ["string", "integer", "number", "boolean"];

// flat reports whether a schema is a value or an object of values, which
// get form fields; anything else is edited as JSON.
function flat(schema) {
  if (!schema) return false;
  if (scalarTypes.includes(schema.type)) return true;
  return schema.type === "object" && !schema.additionalProperties &&
    Object.values(schema.properties || {}).every((p) => scalarTypes.includes(p.type));
}

// skeleton is a value of the schema's shape, to start the JSON from.
function skeleton(schema) {
  if (!schema) return null;
  switch (schema.type) {
    case "object": {
      const o = {};
      for (const k of schema["x-order"] || Object.keys(schema.properties || {})) o[k] = skeleton(schema.properties[k]);
      return o;
    }
    case "array": return [];
    case "string": return schema.format === "date-time" ? new Date().toISOString() : "";
    case "integer": case "number": return 0;
    case "boolean": return false;
  }
  return null;
}

function field(name, label, schema, required) {
  const attrs = { name, "data-type": schema.type, required: required && schema.type !== "boolean" };
  let input;
  if (schema.type === "boolean") input = h("input", { ...attrs, type: "checkbox" });
  else if (schema.type === "integer") input = h("input", { ...attrs, type: "number", step: 1, inputmode: "numeric" });
  else if (schema.type === "number") input = h("input", { ...attrs, type: "number", step: "any" });
  else input = h("input", { ...attrs, placeholder: schema.format === "date-time" ? "2026-12-07T14:00:00Z" : "" });
  return h("label", { class: schema.type === "boolean" ? "check" : "" }, label + (required ? "" : " (optional)"), input);
}

function fieldValue(el) {
  switch (el.dataset.type) {
    case "boolean": return el.checked;
    case "integer": case "number": return el.value === "" ? undefined : Number(el.value);
  }
  return el.value;
}

async function showStart(q) {
  if (config.readOnly) {
    main.replaceChildren(h("h1", {}, "Start a workflow"), h("p", { class: "muted" }, "The dashboard is read-only."));
    return;
  }
  const wfs = await registered();
  const chosen = wfs.find((w) => w.name === q.get("workflow")) || wfs[0];
  if (!chosen) {
    main.replaceChildren(h("h1", {}, "Start a workflow"), h("p", { class: "muted", id: "empty" }, "No worker has registered a workflow."));
    return;
  }
  const schema = chosen.schema;
  const pick = h("select", { name: "workflow", id: "start-workflow", onchange: (ev) => { location.hash = "#/start?workflow=" + encodeURIComponent(ev.target.value); } },
    wfs.map((w) => h("option", { value: w.name, selected: w === chosen }, `${w.name} (v${w.version})${w.live ? "" : " — no live worker"}`)));
  const inputBox = h("fieldset", { id: "start-input" }, h("legend", {}, "Input"));
  if (flat(schema) && schema.type === "object") {
    const req = new Set(schema.required || []);
    for (const k of schema["x-order"] || Object.keys(schema.properties || {})) inputBox.append(field("in." + k, k, schema.properties[k], req.has(k)));
  } else if (flat(schema)) {
    inputBox.append(field("in", "Value", schema, true));
  } else {
    inputBox.append(h("label", { class: "grow" }, schema ? "JSON (its shape, from the input type)" : "JSON (the input type is not known)",
      h("textarea", { name: "json", rows: 10 }, JSON.stringify(skeleton(schema), null, 2))));
  }
  const form = h("form", { id: "start", class: "card" },
    h("div", { class: "actions" },
      h("label", {}, "Workflow", pick),
      h("label", {}, "Id (optional: one is made)", h("input", { name: "id", placeholder: "order-2001" })),
      h("label", {}, "Tags (comma separated)", h("input", { name: "tags" }))),
    inputBox,
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Start")),
    schema ? h("details", {}, h("summary", {}, "Input schema"), json(schema)) : null);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    let input;
    try {
      if (form.elements.json) input = JSON.parse(form.elements.json.value || "null");
      else if (form.elements.in) input = fieldValue(form.elements.in);
      else {
        input = {};
        for (const el of form.querySelectorAll("[name^='in.']")) {
          const v = fieldValue(el);
          if (v !== undefined && !(v === "" && !el.required)) input[el.name.slice(3)] = v;
        }
      }
    } catch (e) { flash("input is not JSON: " + e.message, true); return; }
    const tags = form.elements.tags.value.split(",").map((t) => t.trim()).filter(Boolean);
    const body = { workflow: chosen.name, id: form.elements.id.value.trim() || undefined, input, tags: tags.length ? tags : undefined };
    api("POST", "/v1/workflows", body).then((r) => {
      flash("Started " + r.id);
      location.hash = "#/workflow/" + encodeURIComponent(r.id);
    }).catch((e) => flash(e.message, true));
  });
  main.replaceChildren(h("h1", {}, "Start a workflow"), form);
}

// ---------------------------------------------------------------- start

window.addEventListener("hashchange", () => { document.getElementById("flash").replaceChildren(); route(); });
api("GET", "config.json").then((c) => { config = c || config; }).catch(() => {}).finally(() => {
  if (config.readOnly) {
    document.getElementById("mode").textContent = "read-only";
    document.getElementById("nav-start").hidden = true;
  }
  route();
});
