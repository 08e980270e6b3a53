import { performance } from 'node:perf_hooks';

/** Progress lines: stderr, so stdout holds only the results (and only JSON with --json). */
export function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Collects garbage between measurements when node runs with --expose-gc. */
export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Seconds since a performance.now() reading, to a tenth. */
export function seconds(since: number): number {
  return Math.round((performance.now() - since) / 100) / 10;
}

/** A cell padded to its column: left-aligned, or right-aligned for figures. */
export function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** A plain-text table: the first column left-aligned, the figures right-aligned. */
export function table(out: (line?: string) => void, header: string[], widths: number[], rows: string[][]): void {
  const line = (cells: string[]) => out(cells.map((c, i) => pad(c, widths[i] ?? 0, i > 0)).join(' | ').trimEnd());
  line(header);
  out(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) line(r);
}
