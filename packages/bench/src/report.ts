import type { ContestantName } from "./job.js";
import type { Row } from "./row.js";
import { type Check, checksPanel } from "./run-summary.js";

export type { Row } from "./row.js";

import type { Spread } from "./stats.js";

const MiB = 1024 * 1024;
const f1 = (n: number) => n.toFixed(1);
const range = (s: Spread, format = f1) => `${format(s.median)} (${format(s.min)}–${format(s.max)})`;

/** The results as a markdown table per target, with uploadkit's ratios to lib-storage and to raw undici. */
export function markdown(rows: Row[], runs: number): string {
  const out: string[] = [];
  for (const target of [...new Set(rows.map((r) => r.target))]) {
    out.push(`\n### ${target} (median of ${runs} run${runs === 1 ? "" : "s"}, min–max)\n`);
    out.push(
      "| shape | contestant | parts | seconds | MiB/s | peak RSS MiB | CPU s | CPU s per GiB |",
      "|---|---|---|---|---|---|---|---|",
    );
    for (const row of rows.filter((r) => r.target === target)) {
      const perGiB = row.cpuSeconds.median / (row.sizeBytes / 1024 ** 3);
      out.push(
        `| ${row.shape} | ${row.contestant} | ${row.parts} | ${range(row.seconds, (n) => n.toFixed(2))} | ${range(row.mibPerSecond)} | ${range(row.peakRssMiB)} | ${range(row.cpuSeconds, (n) => n.toFixed(2))} | ${perGiB.toFixed(2)} |`,
      );
    }
    out.push(
      "",
      "| shape | uploadkit ÷ lib-storage (MiB/s) | uploadkit ÷ raw undici (MiB/s) | uploadkit ÷ lib-storage (peak RSS) |",
      "|---|---|---|---|",
    );
    for (const shape of [...new Set(rows.filter((r) => r.target === target).map((r) => r.shape))]) {
      const pick = (c: ContestantName) => rows.find((r) => r.target === target && r.shape === shape && r.contestant === c);
      const ours = pick("uploadkit");
      const lib = pick("lib-storage");
      const raw = pick("raw-undici");
      const ratio = (a?: number, b?: number) => (a && b ? `${(a / b).toFixed(2)}×` : "–");
      out.push(
        `| ${shape} | ${ratio(ours?.mibPerSecond.median, lib?.mibPerSecond.median)} | ${ratio(ours?.mibPerSecond.median, raw?.mibPerSecond.median)} | ${ratio(ours?.peakRssMiB.median, lib?.peakRssMiB.median)} |`,
      );
    }
  }
  return out.join("\n");
}

const COLORS: Record<ContestantName, string> = {
  uploadkit: "#2563eb",
  "uploadkit-no-checksum": "#93c5fd",
  "lib-storage": "#f97316",
  "raw-undici": "#16a34a",
  "raw-single-put": "#a3a3a3",
};

/** The run's one picture: throughput and peak RSS by shape (null sink), and every check against its target. */
export function svgChart(rows: Row[], checks: readonly Check[] = []): string {
  const target = rows.some((r) => r.target === "null-sink") ? "null-sink" : rows[0]?.target;
  const data = rows.filter((r) => r.target === target);
  const shapes = [...new Set(data.map((r) => r.shape))];
  const contestants = [...new Set(data.map((r) => r.contestant))];
  const width = 120 + shapes.length * (contestants.length * 18 + 30);
  const panel = (title: string, y0: number, value: (r: Row) => number, unit: string) => {
    const max = Math.max(1, ...data.map(value));
    const bars = shapes.flatMap((shape, si) =>
      contestants.map((c, ci) => {
        const row = data.find((r) => r.shape === shape && r.contestant === c);
        if (!row) return "";
        const h = (value(row) / max) * 150;
        const x = 70 + si * (contestants.length * 18 + 30) + ci * 18;
        return `<rect x="${x}" y="${y0 + 170 - h}" width="14" height="${h}" fill="${COLORS[c]}"><title>${c} ${shape}: ${value(row).toFixed(1)} ${unit}</title></rect>`;
      }),
    );
    const labels = shapes.map(
      (shape, si) => `<text x="${70 + si * (contestants.length * 18 + 30)}" y="${y0 + 186}" font-size="10">${shape}</text>`,
    );
    return [
      `<text x="10" y="${y0 + 12}" font-size="12" font-weight="bold">${title} (${target}, max ${max.toFixed(0)} ${unit})</text>`,
      `<line x1="65" y1="${y0 + 170}" x2="${width - 10}" y2="${y0 + 170}" stroke="#444"/>`,
      ...bars,
      ...labels,
    ].join("");
  };
  const legend = contestants.map(
    (c, i) =>
      `<rect x="${10 + i * 140}" y="402" width="10" height="10" fill="${COLORS[c]}"/><text x="${24 + i * 140}" y="411" font-size="10">${c}</text>`,
  );
  const full = Math.max(width, 720);
  const targets = checks.length > 0 ? checksPanel(checks, 425, full) : { svg: "", height: 0 };
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${full}" height="${425 + targets.height}" font-family="sans-serif">${panel("Throughput, MiB/s", 0, (r) => r.mibPerSecond.median, "MiB/s")}${panel("Peak RSS, MiB", 200, (r) => r.peakRssMiB.median, "MiB")}${legend.join("")}${targets.svg}</svg>\n`;
}

export function describeSize(bytes: number): string {
  return bytes >= 1024 * MiB ? `${bytes / (1024 * MiB)} GiB` : `${Math.round(bytes / MiB)} MiB`;
}
