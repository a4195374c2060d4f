/** A small SVG line chart of connected devices per region over time; no plotting library. */

export interface Sample {
  /** Stack seconds since the outage (negative before it). */
  t: number;
  counts: Record<string, number>;
}

export interface Marker {
  /** Stack seconds since the outage. */
  t: number;
  label: string;
  /** A budget line is drawn solid and coloured; an event dashed and grey. */
  kind?: "event" | "budget";
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
const BUDGET_COLOR = "#e07b00";
const FONT_PX = 11;
/** A generous average glyph width of sans-serif at FONT_PX, so estimated labels never overlap. */
const GLYPH_PX = FONT_PX * 0.62;
const ROW_PX = FONT_PX + 4;

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

interface PlacedLabel {
  marker: Marker;
  x: number;
  row: number;
  anchor: "start" | "end";
}

/**
 * Puts each marker's label in the first row where it overlaps no earlier label; a label that
 * would run past the right edge is drawn to the left of its line instead, so none is cut.
 */
function placeLabels(markers: Marker[], x: (t: number) => number, right: number): PlacedLabel[] {
  const rows: [number, number][][] = [];
  const placed: PlacedLabel[] = [];
  for (const marker of [...markers].sort((a, b) => a.t - b.t)) {
    const mx = x(marker.t);
    const width = marker.label.length * GLYPH_PX;
    const anchor = mx + 3 + width > right ? "end" : "start";
    const span: [number, number] =
      anchor === "start" ? [mx + 3, mx + 3 + width] : [mx - 3 - width, mx - 3];
    let row = rows.findIndex((taken) =>
      taken.every(([a, b]) => span[1] + 4 < a || span[0] > b + 4),
    );
    if (row < 0) row = rows.push([]) - 1;
    rows[row].push(span);
    placed.push({ marker, x: mx, row, anchor });
  }
  return placed;
}

export function connectedSvg(
  samples: Sample[],
  regions: string[],
  markers: Marker[],
  title: string,
): string {
  const width = 960;
  const left = 60;
  const right = 20;
  const plotW = width - left - right;
  const tMin = Math.min(0, ...samples.map((s) => s.t), ...markers.map((m) => m.t));
  const tMax = Math.max(tMin + 1, ...samples.map((s) => s.t), ...markers.map((m) => m.t));
  const x = (t: number) => left + ((t - tMin) / (tMax - tMin)) * plotW;
  const labels = placeLabels(markers, x, width - right);
  const labelRows = Math.max(0, ...labels.map((l) => l.row + 1));
  // The labels get their own band above the plot, as tall as their rows.
  const top = 36 + labelRows * ROW_PX;
  const plotH = 300;
  const bottom = 64;
  const height = top + plotH + bottom;
  const yMax = Math.max(1, ...samples.flatMap((s) => regions.map((r) => s.counts[r] ?? 0)));
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${escape(title)}</text>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="black"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="black"/>`,
  );
  const xStep = niceStep((tMax - tMin) / 10);
  for (let t = Math.ceil(tMin / xStep) * xStep; t <= tMax + 1e-9; t += xStep) {
    parts.push(
      `<line x1="${round(x(t))}" y1="${top + plotH}" x2="${round(x(t))}" y2="${top + plotH + 5}" stroke="black"/>`,
      `<text x="${round(x(t))}" y="${top + plotH + 18}" text-anchor="middle">${round(t)}</text>`,
    );
  }
  const yStep = niceStep(yMax / 5);
  for (let v = 0; v <= yMax + 1e-9; v += yStep) {
    parts.push(
      `<line x1="${left - 5}" y1="${round(y(v))}" x2="${left + plotW}" y2="${round(y(v))}" stroke="#eee"/>`,
      `<text x="${left - 8}" y="${round(y(v) + 4)}" text-anchor="end">${round(v)}</text>`,
    );
  }
  parts.push(
    `<text x="${left + plotW / 2}" y="${top + plotH + 38}" text-anchor="middle">seconds since the outage</text>`,
    `<text x="16" y="${top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${top + plotH / 2})">connected devices</text>`,
  );
  for (const { marker, x: mx, row, anchor } of labels) {
    const budget = marker.kind === "budget";
    const color = budget ? BUDGET_COLOR : "#888";
    const labelY = 36 + row * ROW_PX + FONT_PX;
    parts.push(
      `<line x1="${round(mx)}" y1="${labelY + 3}" x2="${round(mx)}" y2="${top + plotH}" stroke="${color}"${budget ? ' stroke-width="2"' : ' stroke-dasharray="4 3"'}/>`,
      `<text x="${round(anchor === "start" ? mx + 3 : mx - 3)}" y="${labelY}" font-size="${FONT_PX}" text-anchor="${anchor}" fill="${budget ? BUDGET_COLOR : "#555"}">${escape(marker.label)}</text>`,
    );
  }
  for (const [i, region] of regions.entries()) {
    const points = samples.map((s) => `${round(x(s.t))},${round(y(s.counts[region] ?? 0))}`);
    const color = COLORS[i % COLORS.length];
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(" ")}"/>`,
      `<rect x="${left + i * 200}" y="${height - 16}" width="14" height="4" fill="${color}"/>`,
      `<text x="${left + i * 200 + 20}" y="${height - 10}">${escape(region)}</text>`,
    );
  }
  parts.push(
    `<rect x="${left + regions.length * 200}" y="${height - 16}" width="14" height="4" fill="${BUDGET_COLOR}"/>`,
    `<text x="${left + regions.length * 200 + 20}" y="${height - 10}">RTO budget after each outage</text>`,
    "</svg>",
  );
  return parts.join("\n") + "\n";
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-9)));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
