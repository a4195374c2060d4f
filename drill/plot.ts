/** A small SVG line chart of connected devices per region over time; no plotting library. */

export interface Sample {
  /** Seconds since the drill started (drill time). */
  t: number;
  counts: Record<string, number>;
}

export interface Marker {
  t: number;
  label: string;
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function connectedSvg(
  samples: Sample[],
  regions: string[],
  markers: Marker[],
  title: string,
  scale: number,
): string {
  const width = 960;
  const height = 420;
  const left = 60;
  const right = 20;
  const top = 40;
  const bottom = 70;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const tMax = Math.max(1, ...samples.map((s) => s.t));
  const yMax = Math.max(1, ...samples.flatMap((s) => regions.map((r) => s.counts[r] ?? 0)));
  const x = (t: number) => left + (t / tMax) * plotW;
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${escape(title)}</text>`,
  );
  // Axes and ticks.
  parts.push(
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="black"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="black"/>`,
  );
  const xStep = niceStep(tMax / 10);
  for (let t = 0; t <= tMax + 1e-9; t += xStep) {
    parts.push(
      `<line x1="${x(t)}" y1="${top + plotH}" x2="${x(t)}" y2="${top + plotH + 5}" stroke="black"/>`,
      `<text x="${x(t)}" y="${top + plotH + 18}" text-anchor="middle">${round(t)}</text>`,
    );
  }
  const yStep = niceStep(yMax / 5);
  for (let v = 0; v <= yMax + 1e-9; v += yStep) {
    parts.push(
      `<line x1="${left - 5}" y1="${y(v)}" x2="${left + plotW}" y2="${y(v)}" stroke="#eee"/>`,
      `<text x="${left - 8}" y="${y(v) + 4}" text-anchor="end">${round(v)}</text>`,
    );
  }
  parts.push(
    `<text x="${left + plotW / 2}" y="${height - 30}" text-anchor="middle">drill seconds (x ${scale} = stack seconds)</text>`,
    `<text x="16" y="${top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${top + plotH / 2})">connected devices</text>`,
  );
  for (const [i, marker] of markers.entries()) {
    const mx = x(marker.t);
    parts.push(
      `<line x1="${mx}" y1="${top}" x2="${mx}" y2="${top + plotH}" stroke="#888" stroke-dasharray="4 3"/>`,
      `<text x="${mx + 3}" y="${top + 12 + (i % 3) * 13}" fill="#555">${escape(marker.label)}</text>`,
    );
  }
  for (const [i, region] of regions.entries()) {
    const points = samples.map((s) => `${round(x(s.t))},${round(y(s.counts[region] ?? 0))}`);
    const color = COLORS[i % COLORS.length];
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(" ")}"/>`,
      `<rect x="${left + i * 200}" y="${height - 18}" width="14" height="4" fill="${color}"/>`,
      `<text x="${left + i * 200 + 20}" y="${height - 12}">${escape(region)}</text>`,
    );
  }
  parts.push("</svg>");
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
