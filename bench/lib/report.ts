import { setInterval, clearInterval } from 'node:timers';

/** Markdown that is printed as it is written and appended to RESULTS.md at the end. */
export class Report {
  readonly lines: string[] = [];
  readonly summaries: string[] = [];
  failed = false;

  line(text = ''): void {
    this.lines.push(text);
    console.log(text);
  }

  heading(text: string): void {
    this.line();
    this.line(`### ${text}`);
    this.line();
  }

  item(label: string, value: string): void {
    this.line(`- ${label}: ${value}`);
  }

  code(lines: readonly string[]): void {
    this.line('```');
    for (const l of lines) this.line(l);
    this.line('```');
  }

  table(header: readonly string[], rows: readonly (readonly string[])[]): void {
    this.line(`| ${header.join(' | ')} |`);
    this.line(`| ${header.map(() => '---').join(' | ')} |`);
    for (const r of rows) this.line(`| ${r.join(' | ')} |`);
  }

  summary(text: string): void {
    this.summaries.push(text);
    this.line();
    this.line(`**Summary:** ${text}`);
  }
}

export const fmtMs = (ms: number): string =>
  ms >= 60_000 ? `${(ms / 60_000).toFixed(2)} min` : ms >= 1_000 ? `${(ms / 1_000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
export const fmtMiB = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
export const fmtInt = (n: number): string => n.toLocaleString('en-US');

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export function latencySummary(samples: readonly number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return `n=${fmtInt(s.length)}, mean ${fmtMs(mean)}, p50 ${fmtMs(percentile(s, 50))}, p95 ${fmtMs(percentile(s, 95))}, max ${fmtMs(s[s.length - 1] ?? 0)}`;
}

/** Samples process RSS every `everyMs`; `stop` returns the peak seen. */
export function sampleRss(everyMs = 100): { stop: () => number; peak: () => number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, everyMs);
  timer.unref();
  return {
    peak: () => Math.max(peak, process.memoryUsage().rss),
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}
