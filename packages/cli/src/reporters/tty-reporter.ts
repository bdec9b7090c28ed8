import cliProgress from "cli-progress";
import { Rate } from "./rate.js";
import { type FileReport, type FileSummary, formatMiB, type Reporter } from "./reporter.js";

interface Line {
  label: string;
  size: number;
  loaded: number;
  partsDone: number;
  partsTotal: number | undefined;
  rate: Rate;
}

/**
 * One bar per file in a terminal, drawn by cli-progress (percent, MiB, this run's speed and ETA, parts), each fitting
 * the width; when a file ends its bar is replaced by its whole result: the id and status, a skip, or the error.
 */
export function ttyReporter(stream: NodeJS.WriteStream = process.stderr): Reporter {
  const width = () => Math.max(40, (stream.columns || 80) - 1);
  const render = (line: Line): string => {
    const percent = line.size === 0 ? 100 : Math.min(100, Math.floor((100 * line.loaded) / line.size));
    const facts = [
      `${percent}%`,
      `${formatMiB(line.loaded)}/${formatMiB(line.size)} MiB`,
      `${line.rate.speed(line.loaded)} MiB/s`,
      `ETA ${line.rate.eta(line.loaded)}`,
      `parts ${line.partsDone}/${line.partsTotal ?? "?"}`,
      line.rate.resumed,
    ].filter(Boolean);
    const text = ` ${facts.join(" | ")}`;
    const room = width() - line.label.length - text.length - 3;
    const barWidth = Math.min(40, room);
    if (barWidth < 5) return fit(` ${line.label}${text}`, width());
    const filled = Math.round((barWidth * percent) / 100);
    return ` ${line.label} ${"█".repeat(filled)}${"░".repeat(barWidth - filled)}${text}`;
  };
  const options = {
    stream,
    format: (_options: unknown, _params: unknown, payload: { line: Line }) => render(payload.line),
    hideCursor: true,
    clearOnComplete: true,
    stopOnComplete: false,
    fps: 10,
    linewrap: false,
  };
  // One live bar over the files in flight (their sum, or the file itself when it is alone); each file's result is
  // printed as a permanent line above it when the file ends.
  const active = new Set<Line>();
  let bar: cliProgress.SingleBar | undefined;
  const total = (): Line => {
    const lines = [...active];
    if (lines.length === 1) return lines[0] as Line;
    const sum = (pick: (line: Line) => number) => lines.reduce((n, line) => n + pick(line), 0);
    return {
      label: `${lines.length} files`.padEnd(24),
      size: sum((l) => l.size),
      loaded: sum((l) => l.loaded),
      partsDone: sum((l) => l.partsDone),
      partsTotal: lines.every((l) => l.partsTotal !== undefined) ? sum((l) => l.partsTotal ?? 0) : undefined,
      rate: combined,
    };
  };
  let combined = new Rate(0);
  const redraw = () => {
    if (active.size === 0) return;
    if (!bar) {
      bar = new cliProgress.SingleBar(options as cliProgress.Options);
      bar.start(1, 0, { line: total() });
    }
    const line = total();
    bar.setTotal(Math.max(1, line.size));
    bar.update(line.loaded, { line });
  };
  const stopBar = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    file(label, size): FileReport {
      const line: Line = {
        label: label.length > 24 ? `${label.slice(0, 23)}…` : label.padEnd(24),
        size,
        loaded: 0,
        partsDone: 0,
        partsTotal: undefined,
        rate: new Rate(size),
      };
      active.add(line);
      combined = new Rate([...active].reduce((n, l) => n + l.size, 0));
      redraw();
      const finish = (result: string) => {
        if (!active.delete(line)) return;
        stopBar();
        stream.write(` ${line.label.trimEnd()} ${result}\n`);
        combined = new Rate([...active].reduce((n, l) => n + l.size, 0));
        redraw();
      };
      return {
        progress: (p) => {
          line.rate.observe(p);
          Object.assign(line, { loaded: p.loaded, partsDone: p.partsDone, partsTotal: p.partsTotal });
          combined.observe({ loaded: total().loaded, total: 0, partsDone: 0, partsTotal: 0 });
          redraw();
        },
        done: (summary: FileSummary) => finish(`✔ ${describeDone(summary)}`),
        failed: (message) => finish(`✖ ${message}`),
        skipped: (reason) => finish(`– skipped: ${reason}`),
      };
    },
    note: (message) => {
      stopBar();
      stream.write(`${message}\n`);
      redraw();
    },
    close: (closing = []) => {
      stopBar();
      active.clear();
      for (const text of closing) stream.write(`${text}\n`);
    },
  };
}

/** "id 42 — completed, 12.0 MiB in 1.2 s (10.0 MiB/s)" */
export function describeDone(summary: FileSummary): string {
  return `id ${summary.id} — ${summary.status ?? "done"}, ${formatMiB(summary.size)} MiB in ${summary.seconds.toFixed(1)} s (${summary.mibPerSecond.toFixed(1)} MiB/s)`;
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
