/** An SVG line chart of p95 latency against corpus size (log-log), written by hand: no dependency. */
interface ChartRow {
  name: string;
  chunks: number;
  ask: number[];
  retrieval: number[];
  peers: Array<{ name: string; p95: number }>;
}

const COLORS = ["#d62728", "#ff7f0e", "#1f77b4", "#2ca02c", "#9467bd", "#8c564b"];
const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);

export function renderChart(rows: ChartRow[]): string {
  const sorted = [...rows].sort((a, b) => a.chunks - b.chunks);
  const series = new Map<string, Array<[number, number]>>();
  const add = (name: string, x: number, y: number) => series.set(name, [...(series.get(name) ?? []), [x, y]]);
  for (const r of sorted) {
    add("citebot full ask p95", r.chunks, r.ask[1]!);
    add("citebot retrieval p95", r.chunks, r.retrieval[1]!);
    for (const p of r.peers) add(`${p.name} p95`, r.chunks, p.p95);
  }
  const W = 720;
  const H = 420;
  const m = { l: 70, r: 230, t: 30, b: 50 };
  const xs = sorted.map((r) => r.chunks);
  const ys = [...series.values()]
    .flat()
    .map(([, y]) => y)
    .filter((y) => y > 0);
  const lx = (v: number) => Math.log10(Math.max(v, 1));
  const [x0, x1] = [lx(Math.min(...xs)), lx(Math.max(...xs)) + 1e-9];
  const [y0, y1] = [Math.floor(Math.log10(Math.min(...ys))), Math.ceil(Math.log10(Math.max(...ys)))];
  const px = (v: number) => m.l + ((lx(v) - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const py = (v: number) => H - m.b - ((Math.log10(v) - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.l}" y="18" font-size="14">p95 latency (ms, log) against corpus size (chunks, log)</text>`,
  ];
  for (let e = y0; e <= y1; e++) {
    const y = py(10 ** e);
    parts.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="${m.l - 8}" y="${y + 4}" text-anchor="end">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(-e)}</text>`,
    );
  }
  for (const r of sorted) {
    const x = px(r.chunks);
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${m.t}" y2="${H - m.b}" stroke="#eee"/><text x="${x}" y="${H - m.b + 16}" text-anchor="middle">${r.chunks}</text>`,
    );
  }
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" text-anchor="middle">chunks</text>`);
  [...series.entries()].forEach(([name, pts], i) => {
    const c = COLORS[i % COLORS.length];
    const ok = pts.filter(([, y]) => y > 0);
    parts.push(
      `<polyline fill="none" stroke="${c}" stroke-width="2" points="${ok.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ")}"/>`,
    );
    for (const [x, y] of ok) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${c}"/>`);
    const ly = m.t + 10 + i * 20;
    parts.push(
      `<line x1="${W - m.r + 15}" x2="${W - m.r + 35}" y1="${ly}" y2="${ly}" stroke="${c}" stroke-width="2"/><text x="${W - m.r + 40}" y="${ly + 4}">${esc(name)}</text>`,
    );
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
