// liqhost dashboard: loads history from the JSON API, then follows the WebSocket push.
// A range other than "live" shows that range of the stored history (read from disk by the
// API, reloaded every minute) instead of following the push. Plain JS, no build step.
// DOM signals for tests: body[data-frames] counts V2 frames drawn from live (WebSocket)
// data, body[data-ready] is set once the heatmap canvas has been drawn from live data.
"use strict";

const MAX_FRAMES = 720;          // columns of live history kept per canvas (12 h of V2 minutes)
const MAX_RANGE_COLUMNS = 1000;  // a range answer's bound (docs/api.md "History ranges")
const RANGES = ["live", "12h", "24h", "3d", "7d", "30d", "90d", "180d", "1y"];
const HEATMAP_RANGE = 0.12;      // V2 canvas: ±12 % around the last price
const ORDERBOOK_RANGE = 0.03;    // order-book canvas: ±3 % around the last mid
const BG = [11, 15, 23];
const LONG = [57, 167, 255];     // long / bids: azure
const SHORT = [255, 176, 32];    // short / asks: amber

const $ = (id) => document.getElementById(id);
const state = { symbol: null, range: "live", v2: [], ob: [], zones: [], liquidations: [], live: 0, ws: null, generation: 0, drawPending: false, liveDrawn: false };

async function getJSON(url) {
  const r = await fetch(url, { cache: "no-store" });
  if (!r.ok) throw new Error(url + ": " + r.status);
  return r.json();
}

// Frames from the three sources in one shape: ts, src, price_min, step, buckets, long, short.
const fromHistory = (f) => ({ ts: f.ts, src: f.src, price_min: f.price_min, step: f.step, buckets: f.buckets, long: f.long, short: f.short });
const fromOrderbook = (f) => ({ ts: f.ts, src: f.mid, price_min: f.price_min, step: f.step, buckets: f.buckets, long: f.bids, short: f.asks });
const fromPush = (m) => ({ ts: m.ts, src: m.src, price_min: m.grid.price_min, step: m.grid.step, buckets: m.grid.buckets, long: m.long, short: m.short });

function append(list, frame) {
  if (list.length && frame.ts <= list[list.length - 1].ts) return false;
  list.push(frame);
  const cap = state.range === "live" ? MAX_FRAMES : MAX_RANGE_COLUMNS;
  if (list.length > cap) list.splice(0, list.length - cap);
  return true;
}

// Price × time: one band of columns per frame, each row the brightest bucket it covers.
function drawHeatmap(canvas, frames, range, markers) {
  const ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height;
  const img = ctx.createImageData(W, H);
  const px = img.data;
  for (let i = 0; i < W * H; i++) { px[4 * i] = BG[0]; px[4 * i + 1] = BG[1]; px[4 * i + 2] = BG[2]; px[4 * i + 3] = 255; }
  if (!frames.length) { ctx.putImageData(img, 0, 0); return; }
  const mid = frames[frames.length - 1].src;
  let lo = mid * (1 - range), hi = mid * (1 + range);
  for (const f of frames) { lo = Math.min(lo, f.src * 0.995); hi = Math.max(hi, f.src * 1.005); }
  const rowPrice = (hi - lo) / H;
  const n = frames.length;
  const plotW = markers ? W - 14 : W;
  for (let x = 0; x < plotW; x++) {
    const f = frames[Math.min(n - 1, Math.floor((x * n) / plotW))];
    for (let y = 0; y < H; y++) {
      const top = hi - y * rowPrice, bottom = top - rowPrice;
      let b0 = Math.max(0, Math.round((bottom - f.price_min) / f.step));
      let b1 = Math.min(f.buckets - 1, Math.round((top - f.price_min) / f.step));
      let l = 0, s = 0;
      for (let b = b0; b <= b1; b++) { if (f.long[b] > l) l = f.long[b]; if (f.short[b] > s) s = f.short[b]; }
      if (!l && !s) continue;
      const o = 4 * (y * W + x), a = l / 255, c = s / 255;
      for (let k = 0; k < 3; k++) px[o + k] = Math.min(255, BG[k] + a * (LONG[k] - BG[k]) + c * (SHORT[k] - BG[k]));
    }
  }
  ctx.putImageData(img, 0, 0);
  const yOf = (p) => ((hi - p) / (hi - lo)) * H;
  ctx.strokeStyle = "rgba(255,255,255,0.9)";
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  frames.forEach((f, i) => { const x = ((i + 0.5) * plotW) / n, y = yOf(f.src); i ? ctx.lineTo(x, y) : ctx.moveTo(x, y); });
  ctx.stroke();
  if (markers) {
    for (const z of markers) {
      if (z.price < lo || z.price > hi || z.state === "swept" || z.state === "expired") continue;
      ctx.fillStyle = z.side === "long" ? "rgb(57,167,255)" : "rgb(255,176,32)";
      ctx.fillRect(W - 12, yOf(z.price) - 1, 12, Math.max(2, Math.min(5, z.weight * 2)));
    }
  }
  ctx.fillStyle = "rgba(215,221,232,0.8)";
  ctx.font = "11px system-ui, sans-serif";
  for (let i = 1; i < 5; i++) { const p = hi - (i * (hi - lo)) / 5; ctx.fillText(p.toFixed(p > 100 ? 0 : 2), 4, yOf(p) - 2); }
  const days = frames[n - 1].ts - frames[0].ts > 86400;
  const t = (ts) => new Date(ts * 1000).toISOString().slice(days ? 5 : 11, 16).replace("T", " ");
  ctx.fillText(t(frames[0].ts), 4, H - 4);
  ctx.fillText(t(frames[n - 1].ts), plotW - (days ? 76 : 40), H - 4);
}

function draw() {
  state.drawPending = false;
  drawHeatmap($("heatmap"), state.v2, HEATMAP_RANGE, state.zones);
  drawHeatmap($("orderbook"), state.ob, ORDERBOOK_RANGE, null);
  if (state.live > 0) {
    document.body.dataset.frames = String(state.live);
    document.body.dataset.ready = "1";
    $("live").textContent = state.live;
  }
}

function scheduleDraw() {
  if (!state.drawPending) { state.drawPending = true; setTimeout(draw, 30); }
}

const fmt = (x, d = 0) => (x == null ? "–" : Number(x).toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }));
const usd = (x) => (x >= 1e6 ? (x / 1e6).toFixed(2) + "M" : x >= 1e3 ? (x / 1e3).toFixed(1) + "k" : x.toFixed(0));

function rows(table, items, cells) {
  const body = $(table).tBodies[0];
  body.replaceChildren(...items.map((item) => {
    const tr = document.createElement("tr");
    for (const [text, cls] of cells(item)) { const td = document.createElement("td"); td.textContent = text; if (cls) td.className = cls; tr.appendChild(td); }
    return tr;
  }));
}

function showZones() {
  const live = state.zones.filter((z) => z.state === "created" || z.state === "reinforced").sort((a, b) => b.price - a.price);
  rows("zones", live, (z) => [[z.side, z.side], [fmt(z.price, z.price > 100 ? 0 : 2)], [z.leverage + "x"], [usd(z.notional_usd)], [z.state]]);
}

function showLiquidations() {
  rows("liquidations", state.liquidations.slice(-30).reverse(), (l) => [[new Date(l.ts_ms).toISOString().slice(11, 19)], [l.venue], [l.side, l.side], [fmt(l.price, l.price > 100 ? 0 : 2)], [usd(l.notional_usd)]]);
}

function showStats(m) {
  $("price").textContent = fmt(m.last_price, m.last_price > 100 ? 1 : 3);
  $("minutes").textContent = m.cycle.minutes;
  $("calibrations").textContent = m.cycle.calibrations;
  $("hitrate").textContent = m.pool_hit_rate == null ? "–" : (100 * m.pool_hit_rate).toFixed(1) + " %";
}

async function loadPlugins() {
  try {
    const slots = (await getJSON("/plugins")).filter((s) => s.symbol === state.symbol);
    rows("plugins", slots, (s) => [[s.engine], [s.primary.version], [s.primary.name], [s.shadow ? s.shadow.name + " " + s.shadow.version : "–"]]);
  } catch (e) { console.warn(e); }
}

function onPush(m) {
  if (m.symbol && m.symbol !== state.symbol) return;
  switch (m.type) {
    case "frame":
      if (state.range !== "live") break;   // a stored range is reloaded, not pushed to
      if (m.channel === "v2" && append(state.v2, fromPush(m))) { state.live++; scheduleDraw(); }
      if (m.channel === "orderbook" && append(state.ob, fromPush(m))) scheduleDraw();
      break;
    case "zones": state.zones = m.zones; showZones(); scheduleDraw(); break;
    case "liquidations": state.liquidations.push(...m.events); state.liquidations.splice(0, Math.max(0, state.liquidations.length - 200)); showLiquidations(); break;
    case "stats": showStats(m); break;
    case "lagged": loadHistory(state.generation); break;   // items were dropped: refill from history
    case "error": console.warn("push error", m); break;
  }
}

function connect() {
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
  state.ws = ws;
  ws.onopen = () => { $("status").textContent = "live"; $("status").className = "live"; subscribe("subscribe", state.symbol); };
  ws.onmessage = (e) => onPush(JSON.parse(e.data));
  ws.onclose = () => {
    $("status").textContent = "reconnecting"; $("status").className = "down";
    setTimeout(() => { loadHistory(state.generation); connect(); }, 2000);
  };
}

function subscribe(op, symbol) {
  if (!state.ws || state.ws.readyState !== WebSocket.OPEN || !symbol) return;
  for (const channel of ["v2", "orderbook", "zones", "liquidations", "stats"]) state.ws.send(JSON.stringify({ op, symbol, channel }));
}

async function loadHistory(generation) {
  const s = encodeURIComponent(state.symbol);
  const live = state.range === "live";
  const [v2Window, obWindow] = live ? ["minutes=720", "minutes=360"] : ["range=" + state.range, "range=" + state.range];
  const [v2, ob, zones] = await Promise.all([
    getJSON(`/liq_heatmap_v2_history?symbol=${s}&${v2Window}`).catch(() => null),
    getJSON(`/orderbook_heatmap_history?symbol=${s}&${obWindow}&range_pct=${ORDERBOOK_RANGE * 1.5}`).catch(() => null),
    getJSON(`/liq_zones?symbol=${s}`).catch(() => null),
  ]);
  if (generation !== state.generation) return;   // the symbol changed meanwhile
  // History first, then whatever the push already delivered beyond it.
  const merge = (history, pushed) => { const out = live ? history.slice(-MAX_FRAMES) : history; if (live) for (const f of pushed) append(out, f); return out; };
  if (v2 || !live) state.v2 = v2 ? merge(v2.frames.map(fromHistory), state.v2) : [];
  if (ob || !live) state.ob = ob ? merge(ob.frames.map(fromOrderbook), state.ob) : [];
  if (zones && !state.zones.length) { state.zones = zones.zones; showZones(); }
  scheduleDraw();
}

async function selectSymbol(symbol) {
  subscribe("unsubscribe", state.symbol);
  Object.assign(state, { symbol, v2: [], ob: [], zones: [], liquidations: [], generation: state.generation + 1 });
  history.replaceState(null, "", "?symbol=" + encodeURIComponent(symbol) + (state.range === "live" ? "" : "&range=" + state.range));
  showZones(); showLiquidations(); scheduleDraw();
  subscribe("subscribe", symbol);
  await Promise.all([loadHistory(state.generation), loadPlugins()]);
}

async function main() {
  const health = await getJSON("/health");
  const symbols = health.symbols.map((s) => s.symbol);
  const query = new URLSearchParams(location.search);
  const wanted = (query.get("symbol") || "BTC").toUpperCase();
  const ranges = $("range");
  ranges.replaceChildren(...RANGES.map((r) => new Option(r, r)));
  state.range = RANGES.includes(query.get("range")) ? query.get("range") : "live";
  ranges.value = state.range;
  ranges.onchange = () => { state.range = ranges.value; selectSymbol(state.symbol); };
  const select = $("symbol");
  select.replaceChildren(...symbols.map((s) => new Option(s, s)));
  select.value = symbols.includes(wanted) ? wanted : symbols[0];
  select.onchange = () => selectSymbol(select.value);
  await selectSymbol(select.value);
  connect();
  setInterval(loadPlugins, 10000);
  setInterval(() => { if (state.range !== "live") loadHistory(state.generation); }, 60000);
}

main().catch((e) => { $("status").textContent = "error: " + e.message; $("status").className = "down"; });
