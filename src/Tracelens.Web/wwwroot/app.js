// Tracelens dashboard: plain JS, no build step. Every number comes from /api (SDK queries); this
// file only fetches, formats and draws. Text from the ledger is always inserted as text nodes
// (h() below) or escaped (esc()), never as markup.
"use strict";

const state = {
  zone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
  range: "",
  provider: "",
  sessionsQuery: "",
  sessionsSort: "recent",
  rankBy: "cost",
  upload: null,
  version: null,
  charts: [],
};

const COLORS = { claude: "#d97a3a", codex: "#3b6fd8", opencode: "#3f9b57", cached: "#7fb3e6", fresh: "#3b6fd8", output: "#e0803c", gold: "#c9a227" };

// ---------- helpers ----------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "style") el.setAttribute("style", v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

const nf = new Intl.NumberFormat("en-US");
function count(n) { return n === null || n === undefined ? "–" : nf.format(Math.round(n)); }

/** 1.2k, 3.4M, 5.6B: magnitudes for tiles and axes. */
function mag(n) {
  if (n === null || n === undefined) return "–";
  const a = Math.abs(n);
  if (a >= 1e9) return (n / 1e9).toFixed(a >= 1e10 ? 1 : 2) + "B";
  if (a >= 1e6) return (n / 1e6).toFixed(a >= 1e7 ? 1 : 2) + "M";
  if (a >= 1e3) return (n / 1e3).toFixed(a >= 1e4 ? 1 : 2) + "k";
  return String(Math.round(n));
}

/** USD as the CLI shows it: 2 decimals from $1, 3 below, 4 below a cent; "unpriced" for null. */
function usd(v) {
  if (v === null || v === undefined) return "unpriced";
  const a = Math.abs(v);
  const d = v === 0 ? 2 : a < 0.01 ? 4 : a < 1 ? 3 : 2;
  return "$" + v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
}

function pct(x) { return x === null || x === undefined ? "–" : (x * 100).toFixed(1) + "%"; }

function bytes(n) {
  if (!n) return "–";
  if (n < 1e3) return n + " B";
  if (n < 1e6) return (n / 1e3).toFixed(1) + " KB";
  if (n < 1e9) return (n / 1e6).toFixed(1) + " MB";
  return (n / 1e9).toFixed(1) + " GB";
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.round(seconds);
  if (s >= 3600) return Math.floor(s / 3600) + "h " + String(Math.floor((s % 3600) / 60)).padStart(2, "0") + "m";
  if (s >= 60) return Math.floor(s / 60) + "m " + String(s % 60).padStart(2, "0") + "s";
  return s + "s";
}

const dayFmt = () => new Intl.DateTimeFormat("en-CA", { timeZone: state.zone, year: "numeric", month: "2-digit", day: "2-digit" });
const timeFmt = () => new Intl.DateTimeFormat("en-GB", { timeZone: state.zone, hour: "2-digit", minute: "2-digit", second: "2-digit" });
function localDay(iso) { return iso ? dayFmt().format(new Date(iso)) : "no time"; }
function localTime(iso) { return iso ? timeFmt().format(new Date(iso)) : "–"; }

function shortId(id) {
  const [p, rest] = id.includes(":") ? [id.slice(0, id.indexOf(":")), id.slice(id.indexOf(":") + 1)] : ["", id];
  return (p ? p + ":" : "") + (rest.length > 14 ? rest.slice(0, 8) + "…" + rest.slice(-4) : rest);
}

function query(extra) {
  const p = new URLSearchParams();
  p.set("timezone", state.zone);
  if (state.upload) p.set("upload", state.upload.upload_id);
  if (state.range) p.set("since", state.range);
  if (state.provider) p.set("provider", state.provider);
  for (const [k, v] of Object.entries(extra || {})) if (v !== "" && v !== null && v !== undefined) p.set(k, v);
  return "?" + p.toString();
}

async function api(path, extra) {
  const response = await fetch("/api/" + path + query(extra), { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body?.error?.message || response.statusText);
  return body;
}

function chart(el, option) {
  const c = echarts.init(el, null, { renderer: "canvas" });
  c.setOption(Object.assign({ animation: false, textStyle: { fontFamily: "DejaVu Sans, sans-serif" } }, option));
  state.charts.push(c);
  return c;
}

function disposeCharts() {
  for (const c of state.charts) c.dispose();
  state.charts = [];
}

window.addEventListener("resize", () => state.charts.forEach(c => c.resize()));

const view = () => document.getElementById("view");

function show(...nodes) {
  disposeCharts();
  const banner = state.upload ? h("div", { class: "banner", id: "upload-banner" },
    `Viewing your upload (${state.upload.sessions} sessions, ${count(state.upload.steps)} steps) in a scratch ledger; your own ledger is untouched. `,
    h("a", { href: state.upload.sanitized_url, download: "" }, "Download the sanitized trace"), " · ",
    h("a", { href: "#/overview", onclick: () => { state.upload = null; state.version = null; } }, "Back to my ledger")) : null;
  view().replaceChildren(...[banner, ...nodes].filter(Boolean));
}

function ready(name) { document.body.dataset.ready = name; }

// ---------- Overview ----------

/** Calendar cells as wide as the card allows, but never wider than 36 px (one week would fill the card). */
function calendarCell(el, first, last) {
  const weeks = Math.ceil(((new Date(last) - new Date(first)) / 86400000 + 7) / 7) + 1;
  return Math.max(8, Math.min(36, Math.floor((el.clientWidth - 60) / weeks)));
}

function tile(id, label, value, raw, foot) {
  return h("div", { class: "card tile", "data-kpi": id, "data-value": raw ?? "" },
    h("div", { class: "label" }, label), h("div", { class: "value" }, value), h("div", { class: "foot" }, foot));
}

async function renderOverview() {
  const o = await api("overview");
  const k = o.kpis;
  if (k.steps === 0) {
    show(h("div", { class: "empty" }, "No steps match. Run an agent, then `tracelens ingest` (this page updates by itself), or widen the range."));
    ready("overview");
    return;
  }

  const tiles = h("section", { class: "grid kpis" },
    tile("sessions", "Sessions", count(k.sessions), k.sessions, `${count(k.active_days)} active ${k.active_days === 1 ? "day" : "days"} · ${count(k.span_days)}-day span`),
    tile("steps", "Agent steps", count(k.steps), k.steps, `${count(k.users)} ${k.users === 1 ? "user" : "users"}`),
    tile("cost", "Total cost", usd(k.cost_usd), k.cost_usd, k.cost_per_active_day_usd === null ? "no priced steps" : `${usd(k.cost_per_active_day_usd)} / active day`),
    tile("cache-saved", "Cache saved", usd(k.cache_saved_usd), k.cache_saved_usd, "vs. all-fresh billing"),
    tile("total-input", "Total input", mag(k.total_input), k.total_input, `${pct(k.cached_share)} served from cache`),
    tile("cached-input", "Cached input", mag(k.cached_input), k.cached_input, "cache reads"),
    tile("uncached-input", "Uncached input", mag(k.uncached_input), k.uncached_input, "fresh input + cache writes"),
    tile("output", "Total output", mag(k.output), k.output, `${count(k.output_per_step)} avg / step`));

  // Providers band: step share, with cost share in the legend.
  const totalCost = o.providers.reduce((a, p) => a + (p.cost_usd || 0), 0);
  const band = h("div", { class: "band" }, o.providers.map(p =>
    h("div", { style: `width:${(100 * p.steps / k.steps).toFixed(3)}%;background:${COLORS[p.provider] || "#999"}`, title: p.provider })));
  const legend = h("div", { class: "legend" }, o.providers.map(p => h("span", {},
    h("span", { class: "dot", style: `background:${COLORS[p.provider] || "#999"}` }),
    h("b", {}, p.provider), " ",
    h("span", { class: "muted" }, `${pct(p.steps / k.steps)} steps · ${totalCost > 0 && p.cost_usd !== null ? pct(p.cost_usd / totalCost) : "–"} cost · ${count(p.steps)} steps · ${usd(p.cost_usd)}`))));
  const providers = h("section", { class: "card", style: "margin-bottom:16px" }, h("h2", {}, "Providers"), band, legend);

  const calendarEl = h("div", { class: "chart", id: "calendar" });
  const rhythmEl = h("div", { class: "chart", id: "rhythm" });
  const activity = h("section", { class: "grid two" },
    h("div", { class: "card" }, h("h2", {}, "Daily activity", h("span", { class: "sub" }, "steps per local day")), calendarEl),
    h("div", { class: "card" }, h("h2", {}, "Work rhythm", h("span", { class: "sub" }, "steps by weekday and hour")), rhythmEl));

  const spendEl = h("div", { class: "chart", id: "spend", style: `height:${Math.max(160, 44 * o.spend_by_model.length + 70)}px` });
  const unpricedNote = k.unpriced_steps > 0 ? ` · ${count(k.unpriced_steps)} unpriced steps (${o.unpriced_models.join(", ")})` : " · every step priced";
  const spend = h("section", { class: "card", style: "margin-bottom:16px" },
    h("h2", {}, "Spend by model", h("span", { class: "sub" }, "Tracelens price table" + unpricedNote)), spendEl);

  const groups = {};
  for (const f of o.highlights) (groups[f.group] = groups[f.group] || []).push(f);
  const highlights = h("section", { class: "highlights" }, Object.entries(groups).map(([group, facts]) =>
    h("div", { class: "card" }, h("h3", {}, group), facts.map(f =>
      h("div", { class: "fact" + (f.session_id ? " link" : ""), onclick: f.session_id ? () => { location.hash = "#/sessions/" + encodeURIComponent(f.session_id); } : null, title: f.session_id || "" },
        h("div", { class: "what" }, f.label), h("div", { class: "val" }, f.value, f.detail ? h("span", { class: "muted" }, " · " + f.detail) : null))))));

  show(tiles, providers, activity, spend, h("h2", {}, "Highlights"), highlights);

  // Calendar: one cell per local day, from the first to the last active day.
  const first = o.days[0].day, last = o.days[o.days.length - 1].day;
  const byDay = Object.fromEntries(o.days.map(d => [d.day, d]));
  const maxSteps = Math.max(...o.days.map(d => d.steps));
  chart(calendarEl, {
    tooltip: { formatter: p => { const d = byDay[p.data[0]]; return d ? `<b>${esc(d.day)}</b><br>${count(d.steps)} steps<br>in ${mag(d.input_tokens)} · out ${mag(d.output_tokens)}<br>${esc(usd(d.cost_usd))}` : esc(p.data[0]) + "<br>no steps"; } },
    visualMap: { min: 0, max: maxSteps, show: false, inRange: { color: ["#eef3fb", "#9dbcf0", "#3b6fd8", "#1e3f8a"] } },
    calendar: { range: [first, last], cellSize: [calendarCell(calendarEl, first, last), 16], top: 28, left: 36, right: 12, bottom: 8, splitLine: { lineStyle: { color: "#c8ced8" } }, itemStyle: { borderColor: "#fff", borderWidth: 2 }, yearLabel: { show: false }, dayLabel: { firstDay: 1, nameMap: ["S", "M", "T", "W", "T", "F", "S"], color: "#667085" }, monthLabel: { color: "#667085" } },
    series: [{ type: "heatmap", coordinateSystem: "calendar", data: o.days.map(d => [d.day, d.steps]) }],
  });

  const weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  const cells = [];
  let maxCell = 0;
  o.weekday_hour.forEach((row, d) => row.forEach((n, hr) => { cells.push([hr, d, n]); maxCell = Math.max(maxCell, n); }));
  chart(rhythmEl, {
    tooltip: { formatter: p => `${weekdays[p.data[1]]} ${String(p.data[0]).padStart(2, "0")}:00 · ${count(p.data[2])} steps` },
    grid: { top: 8, left: 40, right: 10, bottom: 28 },
    xAxis: { type: "category", data: [...Array(24).keys()].map(x => String(x).padStart(2, "0")), splitArea: { show: false }, axisTick: { show: false }, axisLine: { show: false }, axisLabel: { color: "#667085", interval: 2 } },
    yAxis: { type: "category", data: weekdays, inverse: true, axisTick: { show: false }, axisLine: { show: false }, axisLabel: { color: "#667085" } },
    visualMap: { min: 0, max: Math.max(1, maxCell), show: false, inRange: { color: ["#f1f4f9", "#9dbcf0", "#3b6fd8", "#1e3f8a"] } },
    series: [{ type: "heatmap", data: cells, itemStyle: { borderColor: "#fff", borderWidth: 2, borderRadius: 3 } }],
  });

  const models = o.spend_by_model.slice().reverse();
  chart(spendEl, {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: v => usd(v) },
    legend: { top: 0, data: ["Cached read", "Fresh input", "Output"] },
    // Room for the longest model name (ECharts does not measure category labels for the grid).
    grid: { top: 30, left: 16 + 7 * Math.max(...models.map(m => m.model.length)), right: 70, bottom: 24 },
    xAxis: { type: "value", axisLabel: { formatter: v => "$" + (v >= 1000 ? mag(v) : String(+v.toFixed(2))) } },
    yAxis: { type: "category", data: models.map(m => m.model), axisLabel: { color: "#1d2433" } },
    series: [
      { name: "Cached read", type: "bar", stack: "usd", data: models.map(m => m.cached_read_usd), itemStyle: { color: COLORS.cached }, barMaxWidth: 22 },
      { name: "Fresh input", type: "bar", stack: "usd", data: models.map(m => m.fresh_input_usd), itemStyle: { color: COLORS.fresh }, barMaxWidth: 22 },
      { name: "Output", type: "bar", stack: "usd", data: models.map(m => m.output_usd), itemStyle: { color: COLORS.output }, barMaxWidth: 22,
        label: { show: true, position: "right", formatter: p => usd(models[p.dataIndex].cost_usd), color: "#1d2433" } },
    ],
  });
  ready("overview");
}

// ---------- Sessions ----------

async function renderSessions() {
  const search = h("input", { type: "search", id: "session-search", placeholder: "Search id, project or model", value: state.sessionsQuery });
  const sort = h("select", { id: "session-sort" }, ["recent", "cost", "steps", "duration"].map(s => h("option", { value: s, selected: s === state.sessionsSort }, s)));
  const list = h("div", { id: "session-list" });
  const toolbar = h("div", { class: "toolbar" }, h("label", {}, "Search", search), h("label", {}, "Sort by", sort), h("span", { id: "session-count" }));
  show(toolbar, list);
  let timer = null;
  search.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => { state.sessionsQuery = search.value.trim(); fill(); }, 250); });
  sort.addEventListener("change", () => { state.sessionsSort = sort.value; fill(); });

  async function fill() {
    const data = await api("sessions", { q: state.sessionsQuery, sort: state.sessionsSort, limit: 300 });
    document.getElementById("session-count").textContent = `${count(data.sessions.length)} of ${count(data.matched)} sessions`;
    const rows = [];
    let lastDay = null;
    for (const s of data.sessions) {
      const day = localDay(s.first_seen);
      if (state.sessionsSort === "recent" && day !== lastDay) { rows.push(h("div", { class: "day" }, day)); lastDay = day; }
      rows.push(h("div", { class: "session-row", "data-session": s.session_id, onclick: () => { location.hash = "#/sessions/" + encodeURIComponent(s.session_id); } },
        h("div", { class: "id", title: s.session_id }, h("span", { class: "pill " + s.provider.split(",")[0] }, s.provider), shortId(s.session_id)),
        h("div", { class: "ellipsis", title: s.project || "" }, s.project || "–"),
        h("div", { class: "ellipsis", title: s.models.join(", ") }, s.models.join(", ")),
        h("div", { class: "num" }, count(s.steps), h("span", { class: "muted" }, " st")),
        h("div", { class: "num" }, duration(s.duration_seconds)),
        h("div", { class: "num" }, usd(s.cost_usd))));
    }
    list.replaceChildren(...(rows.length ? rows : [h("div", { class: "empty" }, "No sessions match.")]));
    ready("sessions");
  }
  await fill();
}

async function renderSession(id) {
  const s = await api("sessions/" + encodeURIComponent(id));
  const steps = s.steps;
  const counted = steps.filter(x => x.counted);
  const first = steps.find(x => x.started_at)?.started_at, last = [...steps].reverse().find(x => x.started_at)?.started_at;
  const span = first && last ? (new Date(last) - new Date(first)) / 1000 : null;
  const tools = {};
  for (const st of steps) for (const c of st.tool_calls) {
    const t = tools[c.name || "(unnamed)"] = tools[c.name || "(unnamed)"] || { calls: 0, errors: 0, lat: [] };
    t.calls++; if (c.is_error) t.errors++; if (c.latency_ms !== null) t.lat.push(c.latency_ms);
  }
  const p50 = a => { if (!a.length) return null; const b = a.slice().sort((x, y) => x - y); return b[Math.floor((b.length - 1) / 2)]; };
  const toolCalls = Object.values(tools).reduce((a, t) => a + t.calls, 0), errors = Object.values(tools).reduce((a, t) => a + t.errors, 0);

  const header = h("section", { class: "card", style: "margin-bottom:16px" },
    h("div", { class: "muted" }, h("a", { href: "#/sessions" }, "← Sessions")),
    h("h2", { style: "margin-top:8px" }, h("span", { class: "pill " + s.provider }, s.provider), s.session_id),
    h("div", { class: "muted" }, s.project || ""),
    h("div", { class: "meta" },
      [["Models", s.models.join(", ") || "–"], ["Steps", count(counted.length)], ["Duration", duration(span)], ["Tool calls", count(toolCalls)], ["Errors", count(errors)], ["Cost", usd(s.cost_usd)]]
        .map(([w, v]) => h("div", {}, h("div", { class: "what" }, w), h("div", { class: "val" }, v)))),
    h("div", { class: "chips" }, Object.entries(tools).sort((a, b) => b[1].calls - a[1].calls).map(([name, t]) =>
      h("span", { class: "chip" }, h("b", {}, name), ` ${count(t.calls)}×`, p50(t.lat) !== null ? ` · p50 ${count(p50(t.lat))} ms` : "", t.errors ? h("span", { class: "err" }, ` · ${t.errors} err`) : ""))),
    s.subagents.length ? h("div", { class: "muted", style: "margin-top:8px" }, `Subagents: ${s.subagents.map(a => `${a.subagent_type || "agent"} (${a.steps} steps)`).join(", ")}`) : null);

  const timelineEl = h("div", { class: "chart tall", id: "timeline" });
  const inspector = h("div", { class: "inspector", id: "inspector" }, h("div", { class: "hint" }, "Click a step to inspect it."));
  show(header, h("section", { class: "grid two" },
    h("div", { class: "card" }, h("h2", {}, "Session timeline", h("span", { class: "sub" }, "input per step (cached + fresh), output line, ┆ user-initiated")), timelineEl),
    h("div", { class: "card" }, h("h2", {}, "Step"), inspector)));

  const labels = steps.map(x => String(x.round_index));
  const userMarks = steps.filter(x => x.user_initiated).map(x => ({ xAxis: String(x.round_index) }));
  const c = chart(timelineEl, {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0, data: ["Cached input", "Fresh input", "Output"] },
    grid: { top: 34, left: 56, right: 56, bottom: 64 },
    dataZoom: [{ type: "slider", bottom: 10, height: 18 }, { type: "inside" }],
    xAxis: { type: "category", data: labels, name: "step", nameLocation: "middle", nameGap: 26, axisLabel: { color: "#667085" } },
    yAxis: [{ type: "value", name: "input", axisLabel: { formatter: v => mag(v) } }, { type: "value", name: "output", splitLine: { show: false }, axisLabel: { formatter: v => mag(v) } }],
    series: [
      { name: "Cached input", type: "bar", stack: "in", data: steps.map(x => x.cached_input), itemStyle: { color: COLORS.cached },
        markLine: { symbol: "none", silent: true, label: { show: false }, lineStyle: { color: COLORS.gold, type: "dashed", width: 1.5 }, data: userMarks } },
      { name: "Fresh input", type: "bar", stack: "in", data: steps.map(x => x.fresh_input), itemStyle: { color: COLORS.fresh } },
      { name: "Output", type: "line", yAxisIndex: 1, data: steps.map(x => x.output), itemStyle: { color: COLORS.output }, symbolSize: 4, lineStyle: { width: 2 } },
    ],
  });
  // A click anywhere in a step's column (not only on its bar) inspects that step.
  c.getZr().on("click", e => {
    const [index] = c.convertFromPixel({ gridIndex: 0 }, [e.offsetX, e.offsetY]) || [];
    if (Number.isInteger(index) && steps[index]) inspect(steps[index]);
  });
  if (steps.length) inspect(steps[0]);

  function inspect(st) {
    const input = st.cached_input + st.fresh_input;
    const prev = steps[steps.indexOf(st) - 1];
    const since = prev && prev.started_at && st.started_at ? (new Date(st.started_at) - new Date(prev.started_at)) / 1000 : null;
    const rows = [
      ["Step", st.round_index + (st.user_initiated ? " · user message" : " · tool result")],
      ["Started", localTime(st.started_at) + (since !== null ? ` (+${duration(since)})` : "")],
      ["Model", st.model || "–"],
      ["Cached input", count(st.cached_input)],
      ["Fresh input", count(st.fresh_input)],
      ["Cache hit", input ? pct(st.cached_input / input) : "–"],
      ["Output", count(st.output)],
      ["Reasoning", st.reasoning === null ? "–" : count(st.reasoning)],
      ["Stop", st.stop_reason || "–"],
      ["Cost", usd(st.cost_usd) + (st.counted ? "" : " (replayed; counted elsewhere)")],
    ];
    const calls = st.tool_calls.map(t => h("tr", {},
      h("td", {}, h("b", {}, t.name || "(unnamed)"), " ", h("span", { class: "muted" }, (t.target || "").slice(0, 60)), t.truncated ? h("span", { class: "trunc" }, "truncated") : null, t.is_error ? h("span", { class: "trunc" }, "error") : null),
      h("td", {}, bytes(t.output_bytes) + (t.latency_ms !== null ? ` · ${count(t.latency_ms)} ms` : ""))));
    inspector.replaceChildren(
      h("table", { "data-step": st.round_index }, rows.map(([k, v]) => h("tr", {}, h("td", {}, k), h("td", {}, v)))),
      calls.length ? h("h2", { style: "margin-top:14px" }, `Tool calls (${calls.length})`) : null,
      calls.length ? h("table", {}, calls) : null);
  }
  ready("session");
}

// ---------- Hotspots ----------

const HOTSPOT_TABLES = [["files", "Files"], ["bash", "Shell commands"], ["bash_verbs", "Shell verbs"], ["subagents", "Subagent types"], ["mcp_servers", "MCP servers"]];

async function renderHotspots() {
  const d = await api("hotspots", { "rank-by": state.rankBy, limit: 15 });
  const toggle = h("div", { class: "toggle" }, ["cost", "bytes"].map(r =>
    h("button", { class: r === state.rankBy ? "on" : "", "data-rank": r, onclick: () => { state.rankBy = r; route(); } }, r === "cost" ? "By cost" : "By output bytes")));
  const summary = h("div", { class: "card", style: "margin-bottom:16px" },
    h("div", { class: "meta" }, [["Total", usd(d.cost_usd)], ["Attributed to tool calls", usd(d.attributed_usd)], ["Unattributed", usd(d.unattributed_usd)], ["Steps", count(d.steps)], ["Sessions", count(d.sessions)]]
      .map(([w, v]) => h("div", {}, h("div", { class: "what" }, w), h("div", { class: "val" }, v)))),
    h("div", { class: "muted", style: "margin-top:8px" }, `Input cost of each tool result: when it first arrived, plus every later step it rode along in the cached context. Bash results at ${count(d.bash_output_cap.chars)} characters count as truncated.`));
  const tables = HOTSPOT_TABLES.filter(([k]) => d[k].length || k !== "mcp_servers").map(([key, title]) => {
    const rows = d[key];
    const max = Math.max(1e-12, ...rows.map(r => state.rankBy === "bytes" ? r.output_bytes : (r.cost_usd || 0)));
    return h("section", { class: "card", style: "margin-bottom:16px", "data-table": key },
      h("h2", {}, title, h("span", { class: "sub" }, state.rankBy === "bytes" ? "by raw output bytes" : "by attributed cost")),
      rows.length === 0 ? h("div", { class: "muted" }, "none") :
        h("table", { class: "data" },
          h("tr", {}, h("th", {}, "key"), h("th", { class: "num" }, "calls"), h("th", { class: "num", title: "tokens when the result first arrived" }, "initial tok"), h("th", { class: "num", title: "tokens re-read from the cache in later steps" }, "while cached tok"), h("th", { class: "num" }, "bytes"), h("th", { class: "num" }, "cost")),
          rows.map(r => h("tr", { class: "hotspot-row" },
            h("td", { class: "key" }, r.key, r.truncated ? h("span", { class: "trunc", title: "output cut by the harness" }, r.truncated === 1 && r.calls === 1 ? "truncated" : `${r.truncated} truncated`) : null,
              h("div", { class: "bar" }, h("div", { style: `width:${(100 * (state.rankBy === "bytes" ? r.output_bytes : (r.cost_usd || 0)) / max).toFixed(1)}%` }))),
            h("td", { class: "num" }, count(r.calls)),
            h("td", { class: "num" }, mag(r.initial_tokens)),
            h("td", { class: "num" }, mag(r.persistence_tokens)),
            h("td", { class: "num" }, bytes(r.output_bytes)),
            h("td", { class: "num" }, usd(r.cost_usd) + (r.partly_unpriced ? "*" : ""))))));
  });
  show(h("div", { class: "toolbar" }, toggle), summary, ...tables);
  ready("hotspots-" + state.rankBy);
}

// ---------- Experiments ----------

/** A small Markdown subset (headings, paragraphs, lists, code, tables, bold, inline code) into DOM nodes; text stays text. */
function markdown(md) {
  const out = [];
  const lines = md.replace(/\r\n/g, "\n").split("\n");
  const inline = text => {
    const parts = [];
    const re = /(`[^`]+`|\*\*[^*]+\*\*|\*[^*\s][^*]*\*)/g;
    let last = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > last) parts.push(text.slice(last, m.index));
      parts.push(m[0].startsWith("`") ? h("code", {}, m[0].slice(1, -1)) : m[0].startsWith("**") ? h("b", {}, m[0].slice(2, -2)) : h("em", {}, m[0].slice(1, -1)));
      last = m.index + m[0].length;
    }
    if (last < text.length) parts.push(text.slice(last));
    return parts;
  };
  for (let i = 0; i < lines.length;) {
    const line = lines[i];
    if (line.startsWith("```")) {
      const code = []; i++;
      while (i < lines.length && !lines[i].startsWith("```")) code.push(lines[i++]);
      i++; out.push(h("pre", {}, code.join("\n"))); continue;
    }
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    if (heading) { out.push(h("h" + Math.min(4, heading[1].length + 1), {}, inline(heading[2]))); i++; continue; }
    if (line.startsWith("|")) {
      const rows = [];
      while (i < lines.length && lines[i].startsWith("|")) rows.push(lines[i++]);
      const cells = r => r.replace(/^\||\|$/g, "").split("|").map(c => c.trim());
      out.push(h("table", {}, rows.filter(r => !/^\|[\s|:-]+\|$/.test(r)).map((r, n) => h("tr", {}, cells(r).map(c => h(n === 0 ? "th" : "td", {}, inline(c)))))));
      continue;
    }
    if (/^\s*[*-]\s+/.test(line)) {
      const items = [];
      while (i < lines.length && (/^\s*[*-]\s+/.test(lines[i]) || (/^\s{2,}\S/.test(lines[i]) && items.length))) {
        if (/^\s*[*-]\s+/.test(lines[i])) items.push(lines[i].replace(/^\s*[*-]\s+/, "")); else items[items.length - 1] += " " + lines[i].trim();
        i++;
      }
      out.push(h("ul", {}, items.map(t => h("li", {}, inline(t)))));
      continue;
    }
    if (line.trim() === "") { i++; continue; }
    const para = [];
    while (i < lines.length && lines[i].trim() !== "" && !/^(#|\||```|\s*[*-]\s)/.test(lines[i])) para.push(lines[i++]);
    out.push(h("p", {}, inline(para.join(" "))));
  }
  return out;
}

async function renderExperiments(selected) {
  const d = await api("experiments");
  const gallery = h("section", { class: "gallery" }, d.experiments.map(e =>
    h("div", { class: "card exp" + (e.id === selected ? " selected" : ""), "data-experiment": e.id, onclick: () => { location.hash = "#/experiments/" + encodeURIComponent(e.id); } },
      h("div", { class: "id" }, e.id), h("h3", {}, e.title), h("div", { class: "muted" }, e.question))));
  const chosen = d.experiments.find(e => e.id === selected);
  const readme = chosen ? h("section", { class: "card readme", id: "readme" }, markdown(chosen.readme || "(no README)"),
    h("p", { class: "muted" }, "Run it: ", h("code", {}, `tracelens experiments run ${chosen.id}`))) : null;
  show(h("p", { class: "muted" }, "TraceLab's experiments, reproduced by Tracelens. Each card opens its README: the question, exact definitions, outputs and caveats."), gallery, readme);
  if (readme) readme.scrollIntoView({ block: "start" });
  ready("experiments");
}

// ---------- Distributions ----------

/** Milliseconds as the axes show them: "120 ms", "4.2 s", "3 min", "2 h". */
function ms(v) {
  if (v === null || v === undefined) return "–";
  if (v < 1000) return `${+v.toPrecision(3)} ms`;
  return secs(v / 1000);
}

/** Seconds as the axes show them: "0.5 s", "42 s", "3.5 min", "2 h", "1.5 d". */
function secs(v) {
  if (v === null || v === undefined) return "–";
  if (v < 60) return `${+v.toPrecision(3)} s`;
  if (v < 3600) return `${+(v / 60).toPrecision(3)} min`;
  if (v < 86400) return `${+(v / 3600).toPrecision(3)} h`;
  return `${+(v / 86400).toPrecision(3)} d`;
}

function providerColor(p) { return COLORS[p] || "#999"; }

/** What every distribution chart shares: a save-as-image button, quiet axes, providers' legend on top. */
function distOption(name, option) {
  return Object.assign({
    toolbox: { right: 4, top: 0, feature: { saveAsImage: { title: "Save as image", name: "tracelens-" + name, pixelRatio: 2 } } },
    tooltip: { trigger: "item" },
  }, option);
}

const axisName = (name, gap) => ({ name, nameLocation: "middle", nameGap: gap, nameTextStyle: { color: "#667085" } });
const quietAxis = { axisLabel: { color: "#667085" }, splitLine: { lineStyle: { color: "#eef0f3" } } };

/** A CDF per provider: y as a share, x on a log or linear axis in the data's unit. */
function cdfOption(name, doc, logX, format, unitLabel) {
  return distOption(name, {
    legend: { top: 0, left: 0 },
    grid: { top: 34, left: 56, right: 24, bottom: 52 },
    tooltip: { trigger: "axis", formatter: ps => ps.map(p => `<span style="color:${p.color}">●</span> ${esc(p.seriesName)}: ${pct(p.data[1])} ≤ ${esc(format(p.data[0]))}`).join("<br>") },
    xAxis: Object.assign({ type: logX ? "log" : "value", ...axisName(unitLabel, 30), axisLabel: { color: "#667085", formatter: v => format(v), hideOverlap: true }, splitLine: { lineStyle: { color: "#eef0f3" } } }, logX ? {} : { min: 0 }),
    yAxis: { type: "value", min: 0, max: 1, ...quietAxis, ...axisName("share of observations", 42), axisLabel: { color: "#667085", formatter: v => Math.round(v * 100) + "%" } },
    series: doc.providers.map(p => ({
      name: `${p.provider} (n=${count(p.count)}, p50 ${format(p.median)})`, type: "line", step: false, showSymbol: false,
      data: p.points, lineStyle: { width: 2 }, itemStyle: { color: providerColor(p.provider) },
    })),
  });
}

const DISTRIBUTIONS = [
  {
    id: "tool_latency_distribution", title: "Tool latency", sub: "CDF per provider · log x · ms",
    definition: "Effective latency of each tool call (internal if recorded, else result − call), calls with latency > 0; 56 log-spaced points.",
    empty: d => d.tool_latency_distribution.providers.length === 0,
    option: d => cdfOption("tool_latency_distribution", d.tool_latency_distribution, true, ms, "latency (log scale)"),
  },
  {
    id: "tool_latency_by_category", title: "Tool latency by category", sub: "box plot · log y · ms",
    definition: "Box p25–p75 with median, whiskers p5–p95; category = first substring match on the tool name (README).",
    empty: d => d.tool_latency_by_category.categories.length === 0,
    option: d => {
      const cats = d.tool_latency_by_category.categories;
      return distOption("tool_latency_by_category", {
        grid: { top: 30, left: 84, right: 20, bottom: 44 },
        tooltip: { trigger: "item", formatter: p => { const c = cats[p.dataIndex]; return `<b>${esc(c.category)}</b> · ${count(c.calls)} calls<br>p95 ${ms(c.p95)}<br>p75 ${ms(c.p75)}<br>median ${ms(c.median)}<br>p25 ${ms(c.p25)}<br>p5 ${ms(c.p5)}`; } },
        xAxis: { type: "category", data: cats.map(c => `${c.category}\n${count(c.calls)} ${c.calls === 1 ? "call" : "calls"}`), axisLabel: { color: "#1d2433", interval: 0, fontSize: 11, lineHeight: 15, margin: 10 } },
        yAxis: { type: "log", ...quietAxis, ...axisName("latency (log scale)", 66), axisLabel: { color: "#667085", formatter: v => ms(v) } },
        series: [{ type: "boxplot", data: cats.map(c => [c.p5, c.p25, c.median, c.p75, c.p95]), itemStyle: { color: "#e8effc", borderColor: COLORS.codex }, boxWidth: ["30%", "60%"] }],
      });
    },
  },
  {
    id: "tool_call_counts", title: "Tool call counts", sub: "top 14 tools · calls",
    definition: "Calls per tool name over all providers (errors in red); the 14 most-called tools.",
    empty: d => d.tool_call_counts.top.length === 0,
    option: d => {
      const top = d.tool_call_counts.top.slice().reverse();
      return distOption("tool_call_counts", {
        legend: { top: 0, left: 0, data: ["Calls", "Errors"] },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        // Room for the longest tool name (ECharts does not measure category labels for the grid).
        grid: { top: 30, left: 16 + 7 * Math.max(...top.map(t => t.tool.length)), right: 56, bottom: 40 },
        xAxis: { type: "value", ...quietAxis, ...axisName(`calls (${count(d.tool_call_counts.total_calls)} in all, ${count(d.tool_call_counts.distinct_tools)} tools)`, 26) },
        yAxis: { type: "category", data: top.map(t => t.tool), axisLabel: { color: "#1d2433" } },
        series: [
          { name: "Calls", type: "bar", data: top.map(t => t.calls), itemStyle: { color: COLORS.codex }, barMaxWidth: 16, label: { show: true, position: "right", color: "#1d2433", formatter: p => count(p.value) } },
          { name: "Errors", type: "bar", data: top.map(t => t.errors), itemStyle: { color: "#c2410c" }, barMaxWidth: 16, barGap: "-100%" },
        ],
      });
    },
  },
  {
    id: "prefix_append_scatter", title: "Cached prefix vs. appended input", sub: "per step · log/log · tokens",
    definition: "Steps with prefix > 0 and append > 0; every ⌈n/700⌉-th step per provider is drawn.",
    empty: d => d.prefix_append_scatter.providers.every(p => p.points.length === 0),
    option: d => distOption("prefix_append_scatter", {
      legend: { top: 0, left: 0 },
      grid: { top: 34, left: 64, right: 24, bottom: 52 },
      tooltip: { trigger: "item", formatter: p => `${esc(p.seriesName)}<br>prefix ${count(p.data[0])} · append ${count(p.data[1])}` },
      xAxis: { type: "log", ...quietAxis, ...axisName("cached prefix tokens (log)", 30), axisLabel: { color: "#667085", formatter: v => mag(v) } },
      yAxis: { type: "log", ...quietAxis, ...axisName("appended tokens (log)", 48), axisLabel: { color: "#667085", formatter: v => mag(v) } },
      series: d.prefix_append_scatter.providers.map(p => ({
        name: `${p.provider} (${count(p.points.length)} of ${count(p.eligible_steps)})`, type: "scatter", symbolSize: 5,
        data: p.points, itemStyle: { color: providerColor(p.provider), opacity: 0.55 },
      })),
    }),
  },
  {
    id: "output_tokens", title: "Output tokens per step", sub: "frequency polygon · 14 log bins · tokens",
    definition: "Steps per log bin between the p1 and p99 of all providers' output (steps with output > 0).",
    empty: d => d.output_tokens.edges.length === 0,
    option: d => {
      const e = d.output_tokens.edges;
      const centres = e.slice(1).map((hi, i) => Math.sqrt(e[i] * hi));
      return distOption("output_tokens", {
        legend: { top: 0, left: 0 },
        grid: { top: 34, left: 56, right: 24, bottom: 52 },
        tooltip: { trigger: "axis", formatter: ps => `${count(e[ps[0].dataIndex])}–${count(e[ps[0].dataIndex + 1])} tokens<br>` + ps.map(p => `<span style="color:${p.color}">●</span> ${esc(p.seriesName)}: ${count(p.data[1])} steps`).join("<br>") },
        xAxis: { type: "log", min: e[0], max: e[e.length - 1], ...quietAxis, ...axisName("output tokens (log)", 30), axisLabel: { color: "#667085", formatter: v => mag(v), hideOverlap: true } },
        yAxis: { type: "value", minInterval: 1, ...quietAxis, ...axisName("steps", 38) },
        series: d.output_tokens.providers.map(p => ({
          name: `${p.provider} (n=${count(p.eligible_steps)})`, type: "line", symbolSize: 5,
          data: p.counts.map((c, i) => [centres[i], c]), itemStyle: { color: providerColor(p.provider) }, lineStyle: { width: 2 },
        })),
      });
    },
  },
  {
    id: "generation_time_cdf", title: "Generation time", sub: "CDF per provider · seconds",
    definition: "Per step: latest input at or before the first model output → last model output (> 0 s); 56 even points.",
    empty: d => d.generation_time_cdf.providers.length === 0,
    option: d => cdfOption("generation_time_cdf", d.generation_time_cdf, false, secs, "observable generation time"),
  },
  {
    id: "cache_hit_ratio", title: "Prefix cache hit ratio", sub: "share of steps per band",
    definition: "Per step prefix ÷ (prefix + append), steps with any input; bars = share of the provider's steps.",
    empty: d => d.cache_hit_ratio.providers.length === 0,
    option: d => distOption("cache_hit_ratio", {
      legend: { top: 0, left: 0 },
      grid: { top: 34, left: 56, right: 24, bottom: 52 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: ps => `${esc(ps[0].name)} hit<br>` + ps.map(p => { const pr = d.cache_hit_ratio.providers[p.seriesIndex]; return `<span style="color:${p.color}">●</span> ${esc(pr.provider)}: ${pct(p.value)} (${count(pr.counts[p.dataIndex])} steps)`; }).join("<br>") },
      xAxis: { type: "category", data: d.cache_hit_ratio.bands, ...axisName("prefix hit ratio", 30), axisLabel: { color: "#1d2433" } },
      yAxis: { type: "value", ...quietAxis, ...axisName("share of steps", 42), axisLabel: { color: "#667085", formatter: v => Math.round(v * 100) + "%" } },
      series: d.cache_hit_ratio.providers.map(p => ({
        name: `${p.provider} (n=${count(p.eligible_steps)})`, type: "bar", barMaxWidth: 28,
        data: p.counts.map(c => p.eligible_steps ? c / p.eligible_steps : 0), itemStyle: { color: providerColor(p.provider) },
      })),
    }),
  },
  {
    id: "human_input_wait", title: "Human input wait", sub: "CDF per provider · log x · seconds",
    definition: "Each user message's gap from the session's previous event of any type (> 0 s); 56 log-spaced points.",
    empty: d => d.human_input_wait.providers.length === 0,
    option: d => cdfOption("human_input_wait", d.human_input_wait, true, secs, "wait (log scale)"),
  },
];

async function renderDistributions() {
  const d = await api("distributions");
  const cards = DISTRIBUTIONS.map(spec => {
    const empty = spec.empty(d);
    const body = empty
      ? h("div", { class: "chart no-data", id: spec.id, "data-chart": spec.id, "data-empty": "true" }, "No data for these filters.")
      : h("div", { class: "chart", id: spec.id, "data-chart": spec.id });
    return { spec, empty, body, card: h("section", { class: "card dist" }, h("h2", {}, spec.title, h("span", { class: "sub" }, spec.sub)), body, h("p", { class: "definition" }, spec.definition)) };
  });
  show(h("p", { class: "muted" }, "The distributions of TraceLab spec §10.2, exact over every counted step and tool call in the filter. Definitions: src/Tracelens.Web/README.md."),
    h("section", { class: "grid dists" }, cards.map(c => c.card)));
  for (const c of cards) if (!c.empty) chart(c.body, c.spec.option(d));
  ready("distributions");
}

// ---------- Upload ----------

function renderUpload() {
  const input = h("input", { type: "file", id: "upload-file", accept: ".jsonl,.json,.ndjson,.gz,.tgz,.zip,.tar" });
  const result = h("div", { id: "upload-result" });
  const zone = h("label", { class: "dropzone", id: "dropzone" },
    h("div", { class: "big" }, "Drop a trace here, or click to choose a file"),
    h("div", { class: "muted" }, "Claude Code or Codex session logs (.jsonl), TraceLab rows (normalized or sanitized), or a .gz, .zip or .tar.gz of them. It is analyzed by this local server into a scratch ledger, apart from yours; nothing leaves this machine."),
    input);
  async function send(file) {
    result.replaceChildren(h("div", { class: "muted" }, `Analyzing ${file.name} (${bytes(file.size)})…`));
    const response = await fetch("/api/upload", { method: "POST", headers: { "X-Tracelens-Upload": "1", "Content-Type": "application/octet-stream" }, body: file });
    const body = await response.json();
    if (!response.ok) {
      result.replaceChildren(h("div", { class: "error" }, body?.error?.message || response.statusText));
      ready("upload-error");
      return;
    }
    result.replaceChildren(h("div", { class: "card" },
      h("h2", {}, file.name),
      h("div", { class: "meta" }, [["Kind", body.kind], ["Providers", body.providers.join(", ") || "–"], ["Files", count(body.files)], ["Sessions", count(body.sessions)], ["Steps", count(body.steps)]]
        .map(([w, v]) => h("div", {}, h("div", { class: "what" }, w), h("div", { class: "val" }, v)))),
      body.warnings.length ? h("ul", { class: "muted" }, body.warnings.map(w => h("li", {}, w))) : null,
      h("p", {}, h("a", { href: "#/overview", id: "open-upload", onclick: () => { state.upload = body; state.version = null; } }, "Open its dashboard"), " · ",
        h("a", { href: body.sanitized_url, download: "" }, "Download the sanitized trace"))));
    ready("upload-done");
  }
  input.addEventListener("change", () => input.files[0] && send(input.files[0]));
  zone.addEventListener("dragover", e => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", e => { e.preventDefault(); zone.classList.remove("over"); if (e.dataTransfer.files[0]) send(e.dataTransfer.files[0]); });
  show(zone, result);
  ready("upload");
}

// ---------- routing, filters, live update ----------

async function route() {
  const [, page = "overview", arg] = location.hash.replace(/^#/, "").split("/").concat([]);
  const id = arg ? decodeURIComponent(location.hash.replace(/^#\/[^/]+\//, "")) : null;
  document.querySelectorAll(".tabs a").forEach(a => a.classList.toggle("active", a.dataset.tab === page));
  delete document.body.dataset.ready;
  try {
    if (page === "sessions" && id) await renderSession(id);
    else if (page === "sessions") await renderSessions();
    else if (page === "hotspots") await renderHotspots();
    else if (page === "distributions") await renderDistributions();
    else if (page === "experiments") await renderExperiments(id);
    else if (page === "upload") renderUpload();
    else await renderOverview();
  } catch (e) {
    show(h("div", { class: "error" }, "Could not load: " + e.message));
    ready("error");
  }
}

async function poll() {
  try {
    const v = (await (await fetch("/api/version" + query())).json()).version;
    if (state.version !== null && v !== state.version) {
      const live = document.getElementById("live");
      live.classList.add("flash");
      live.textContent = "updated " + localTime(new Date().toISOString());
      setTimeout(() => live.classList.remove("flash"), 3000);
      state.version = v;
      await route();
    }
    state.version = v;
  } catch { /* the server stopped; keep the page as it is */ }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("tz").textContent = "times in " + state.zone;
  const range = document.getElementById("range"), provider = document.getElementById("provider");
  range.addEventListener("change", () => { state.range = range.value; route(); });
  provider.addEventListener("change", () => { state.provider = provider.value; route(); });
  window.addEventListener("hashchange", route);
  route();
  poll();
  setInterval(poll, 5000);
});
