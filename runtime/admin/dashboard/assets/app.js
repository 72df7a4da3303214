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
    else await showWorkflows(q);
  } catch (e) {
    main.replaceChildren(h("h1", {}, "Error"), h("p", { class: "error", id: "page-error" }, e.message));
  }
  main.focus({ preventScroll: true });
}

// ---------------------------------------------------------------- workflows

async function showWorkflows(q) {
  const list = q.get("list") || "running";
  const tag = q.get("tag") || "";
  const prefix = q.get("prefix") || "";
  const after = q.get("after") || "";
  const limit = q.get("limit") || "50";
  const params = new URLSearchParams({ limit });
  if (tag) params.set("tag", tag); else params.set("list", list);
  if (prefix) params.set("prefix", prefix);
  if (after) params.set("after", after);
  const page = await api("GET", "/v1/workflows?" + params);
  const ids = page.ids || [];
  const descs = await Promise.all(ids.map((id) =>
    api("GET", "/v1/workflows/" + encodeURIComponent(id)).catch((e) => ({ id, error: e.message }))));

  const form = h("form", { class: "filters", id: "filters" },
    h("label", {}, "List", h("select", { name: "list" },
      ["running", "parked"].map((v) => h("option", { value: v, selected: v === list }, v)))),
    h("label", {}, "Tag (overrides list)", h("input", { name: "tag", value: tag, placeholder: "tag" })),
    h("label", {}, "Id prefix", h("input", { name: "prefix", value: prefix, placeholder: "id prefix" })),
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
    h("td", {}, d.error ? "" : `${d.pendingTasks} tasks, ${d.pendingTimers} timers, ${d.pendingChildren} children`)));

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
    h("h1", {}, tag ? `Workflows tagged ${tag}` : `Workflows: ${list}`),
    form,
    ids.length === 0 ? h("p", { class: "muted", id: "empty" }, "No workflows.") :
      h("table", { id: "workflows" },
        h("thead", {}, h("tr", {}, ["Id", "Name", "Status", "Created", "Updated", "Pending"].map((t) => h("th", {}, t)))),
        h("tbody", {}, rows)),
    pager);
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
    kv("Pending", `${d.pendingTasks} tasks, ${d.pendingTimers} timers, ${d.pendingChildren} children`),
    d.parked ? kv("Parked", h("span", { class: "error" }, d.parked)) : null,
    st && st.error ? kv("Error", h("span", { class: "error", id: "wf-error" }, st.error.message || JSON.stringify(st.error))) : null)));

  if (!config.readOnly) parts.push(actions(d));

  if (st) {
    if (st.input !== undefined) parts.push(h("h2", {}, "Input"), json(st.input));
    if (st.output !== undefined) parts.push(h("h2", {}, "Output"), json(st.output));
    if (st.error) parts.push(h("h2", {}, "Error"), json(st.error));
    parts.push(...pending(st));
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

function pending(st) {
  const out = [];
  const tasks = Object.entries(st.tasks || {});
  const timers = Object.entries(st.timers || {});
  const children = Object.entries(st.children || {});
  if (!tasks.length && !timers.length && !children.length) return out;
  out.push(h("h2", {}, "Pending"));
  const rows = [];
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
    config.readOnly ? null : h("td", {}, h("button", { class: "secondary", type: "button", onclick: () => {
      api("POST", "/v1/dead-letters/" + encodeURIComponent(d.id) + "/redrive")
        .then(() => { flash("Redriven " + d.id); route(); }).catch((e) => flash(e.message, true));
    } }, "Redrive"))));
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

// ---------------------------------------------------------------- start

window.addEventListener("hashchange", () => { document.getElementById("flash").replaceChildren(); route(); });
api("GET", "config.json").then((c) => { config = c || config; }).catch(() => {}).finally(() => {
  if (config.readOnly) document.getElementById("mode").textContent = "read-only";
  route();
});
