// The ALiBi explorer that runs in the page, no kernel: n heads, length L, head k, query i, key j ->
// head k's bias -m_k·(i - j) (the paper's form, added after 1/√d) and the attention weights it gives when every
// key has the same content score, under the causal mask. Heads count from 1, positions from 0.
// The slope rule is alibi_edu.geometric_slopes's; tests/test_site.py holds the two equal for n = 1..64.

const MAX_HEADS = 64, MAX_LENGTH = 32;
const LOG_FLOOR = -4;  // weights are coloured by log10, as in the notebooks' explorers; below 10^-4 share the darkest
const MASKED = "#d9d9d9", INK = "#000000";
// viridis, sampled at 9 points (colour-blind safe, light = high)
const VIRIDIS = ["#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30", "#fde725"];

function powerOfTwoSlopes(n) {
  return Array.from({ length: n }, (_, i) => 2 ** (-8 * (i + 1) / n));
}

/** The paper's slopes for n heads: 2^(-8k/n) for a power of two; otherwise the c-head slopes (c the largest
 *  power of two below n), then the 2c-head slopes at odd k until there are n. */
export function geometricSlopes(n) {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`heads must be a whole number >= 1, got ${n}`);
  const c = 1 << (31 - Math.clz32(n));  // the largest power of two <= n, exact
  const slopes = powerOfTwoSlopes(c);
  if (c < n) slopes.push(...powerOfTwoSlopes(2 * c).filter((_, i) => i % 2 === 0).slice(0, n - c));
  return slopes;
}

/** Query i's bias row (length L; null where j > i, masked) and its weights with equal content (0 where masked). */
export function alibiRow(m, L, i) {
  const bias = Array.from({ length: L }, (_, j) => (j <= i ? -m * (i - j) : null));
  const exps = bias.map((b) => (b === null ? 0 : Math.exp(b)));  // max of the row is 0 (j = i): no overflow
  const total = exps.reduce((a, b) => a + b, 0);
  return { bias, weights: exps.map((e) => e / total) };
}

const fmt = (x) => (Object.is(x, -0) ? "0" : Number(x.toPrecision(6)).toString()).replace("-", "−");

function colour(t) {  // t in [0, 1] -> viridis
  const x = Math.min(Math.max(t, 0), 1) * (VIRIDIS.length - 1), lo = Math.floor(x), hi = Math.min(lo + 1, VIRIDIS.length - 1);
  const a = VIRIDIS[lo], b = VIRIDIS[hi], f = x - lo;
  const ch = (s, k) => parseInt(s.slice(1 + 2 * k, 3 + 2 * k), 16);
  return `rgb(${[0, 1, 2].map((k) => Math.round(ch(a, k) + f * (ch(b, k) - ch(a, k)))).join(",")})`;
}

function slider(root, name, label, min, max, value) {
  const id = `${root.id}-${name}`;
  const row = document.createElement("div");
  row.className = "alibi-ex-control";
  row.innerHTML = `<label for="${id}">${label}</label><input type="range" id="${id}" name="${name}" ` +
    `min="${min}" max="${max}" step="1" value="${value}"><output for="${id}">${value}</output>`;
  return row;
}

let count = 0;

/** Build one explorer inside `root` (an empty element; data-heads, data-length, data-head set the start). */
export function mount(root) {
  root.id ||= `alibi-explorer-${++count}`;
  const start = (key, dflt, hi) => Math.min(Math.max(parseInt(root.dataset[key] ?? dflt, 10) || dflt, 1), hi);
  const n0 = start("heads", 8, MAX_HEADS), L0 = start("length", 12, MAX_LENGTH);
  const specs = [["heads", "heads n", 1, MAX_HEADS, n0], ["head", "head k", 1, n0, start("head", 1, n0)],
    ["length", "length L", 1, MAX_LENGTH, L0], ["query", "query i", 0, L0 - 1, L0 - 1], ["key", "key j", 0, L0 - 1, Math.max(L0 - 4, 0)]];
  root.classList.add("alibi-ex");
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", "ALiBi explorer: bias and attention weights of one head");
  const controls = document.createElement("div");
  controls.className = "alibi-ex-controls";
  const inputs = {};
  for (const [name, label, min, max, value] of specs) {
    const row = slider(root, name, label, min, max, value);
    controls.append(row);
    inputs[name] = row.querySelector("input");
  }
  const picture = document.createElement("div");
  picture.className = "alibi-ex-picture";
  picture.tabIndex = 0;
  picture.setAttribute("role", "application");
  picture.setAttribute("aria-roledescription", "heatmaps");
  picture.setAttribute("aria-label", "Bias and weights of head k. Arrow keys move the cell: up and down the query i, left and right the key j.");
  const canvases = ["bias −m·(i − j): light = near 0, struck grey = masked", "weights, equal content (log₁₀ colour): light = high"].map((title) => {
    const fig = document.createElement("figure");
    const canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");  // its label: what it shows, computed in update()
    const cap = document.createElement("figcaption");
    cap.textContent = title;
    fig.append(canvas, cap);
    picture.append(fig);
    return canvas;
  });
  const readout = document.createElement("p");
  readout.className = "alibi-ex-readout";
  readout.setAttribute("aria-live", "polite");
  readout.id = `${root.id}-readout`;
  picture.setAttribute("aria-describedby", readout.id);
  root.replaceChildren(controls, picture, readout);

  const value = (name) => parseInt(inputs[name].value, 10);
  const set = (name, v) => {
    const input = inputs[name];
    input.value = String(Math.min(Math.max(v, +input.min), +input.max));
    input.nextElementSibling.value = input.value;
  };

  function draw(canvas, L, cell, i, j, label) {
    const px = Math.max(10, Math.floor(264 / L)), size = px * L;
    canvas.width = canvas.height = size;
    const g = canvas.getContext("2d");
    for (let r = 0; r < L; r++) {
      for (let c = 0; c < L; c++) {
        const v = cell(r, c);
        g.fillStyle = v === null ? MASKED : colour(v);
        g.fillRect(c * px, r * px, px, px);
        if (v === null) {  // masked: a cross, so it is not told by colour alone
          g.strokeStyle = "#8c8c8c"; g.lineWidth = 1; g.beginPath();
          g.moveTo(c * px + 2, r * px + 2); g.lineTo(c * px + px - 2, r * px + px - 2); g.stroke();
        }
      }
    }
    g.lineWidth = 2; g.strokeStyle = "#ffffff"; g.strokeRect(1, i * px + 1, size - 2, px - 2);  // the query's row
    g.lineWidth = 3; g.strokeStyle = INK; g.strokeRect(j * px + 1.5, i * px + 1.5, px - 3, px - 3);  // the cell
    g.lineWidth = 1; g.strokeStyle = "#ffffff"; g.strokeRect(j * px + 3.5, i * px + 3.5, px - 7, px - 7);
    canvas.setAttribute("aria-label", label);
  }

  function update() {
    set("head", value("head")); inputs.head.max = String(value("heads")); set("head", value("head"));
    inputs.query.max = inputs.key.max = String(value("length") - 1);
    set("query", value("query")); set("key", value("key"));
    for (const name in inputs) inputs[name].nextElementSibling.value = inputs[name].value;
    const n = value("heads"), k = value("head"), L = value("length"), i = value("query"), j = value("key");
    const m = geometricSlopes(n)[k - 1];
    const rows = Array.from({ length: L }, (_, r) => alibiRow(m, L, r));
    const lowest = -m * (L - 1) || -1;
    draw(canvases[0], L, (r, c) => (rows[r].bias[c] === null ? null : 1 - rows[r].bias[c] / lowest), i, j,
      `Bias of head ${k} of ${n} (m = ${fmt(m)}) for L = ${L}: 0 on the diagonal, falling by ${fmt(m)} per step back ` +
      `to ${fmt(-m * (L - 1))}; keys after the query are masked.`);
    draw(canvases[1], L, (r, c) => (c > r ? null : (Math.log10(rows[r].weights[c]) - LOG_FLOOR) / -LOG_FLOOR), i, j,
      `Attention weights of head ${k} for L = ${L} with equal content: query ${i} gives ${fmt(rows[i].weights[i])} ` +
      `to itself and ${fmt(rows[i].weights[0])} to key 0; keys after the query get 0.`);
    const { bias, weights } = rows[i];
    Object.assign(readout.dataset, { heads: n, head: k, length: L, query: i, key: j, slope: m,
      bias: bias[j] === null ? "-Infinity" : bias[j], weight: weights[j] });
    const exponent = Number(Math.log2(m).toFixed(4));
    readout.textContent = `Head k = ${k} of n = ${n}, slope m = 2^${fmt(exponent)} = ${fmt(m)}. ` +
      (bias[j] === null
        ? `Query i = ${i}, key j = ${j}: masked (j > i), bias −∞, weight 0.`
        : `Query i = ${i}, key j = ${j}: bias −m·(i − j) = ${fmt(bias[j])}, weight ${fmt(weights[j])}.`);
  }

  for (const name in inputs) inputs[name].addEventListener("input", update);
  picture.addEventListener("keydown", (event) => {
    const moves = { ArrowUp: ["query", -1], ArrowDown: ["query", 1], ArrowLeft: ["key", -1], ArrowRight: ["key", 1] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    set(move[0], value(move[0]) + move[1]);
    update();
  });
  update();
  return { inputs, readout, update };
}

export function mountAll(scope = document) {
  for (const root of scope.querySelectorAll(".alibi-explorer:not(.alibi-ex)")) mount(root);
}

if (typeof document !== "undefined") mountAll();
