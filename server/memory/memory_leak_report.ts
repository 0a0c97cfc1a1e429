/**
 * The memory leak check at shutdown: once every worker has been joined, every tracked
 * allocation must have been released. Each label with allocations outstanding is reported with
 * its count and bytes, then each outstanding sample with its context and stack, so the leak can
 * be found from the error log alone. With `--memory-leak-exit` a leak makes the exit code 1.
 */

import { EVENT_PREFIX, memoryRegistry } from "./memory_registry.ts";

/** Where the report goes (the shutdown sequence's log). */
export interface LeakReportLog {
  warning(message: string): void;
  error(message: string): void;
}

/** Log what is still allocated; false when something is and `--memory-leak-exit` is on. */
export function memoryLeakReport(log: LeakReportLog): boolean {
  const leaks = memoryRegistry.summaryRows({ abandoned: false }).filter((r) =>
    r[6] !== 0 || r[9] !== 0
  );
  if (leaks.length === 0) return true;
  const fail = memoryRegistry.failOnLeak;
  const report = fail ? log.error.bind(log) : log.warning.bind(log);
  for (const row of leaks) {
    report(
      `Memory not released at shutdown: ${row[0].slice(EVENT_PREFIX.length)}: ` +
        `${row[6]} allocations, ${row[9]} bytes`,
    );
  }
  for (const [mod, ctx, , backTrace, count, bytes] of memoryRegistry.sampleRows()) {
    report(`Sampled leak: ${mod} in ${ctx}: ${count} allocations, ${bytes} bytes at ${backTrace}`);
  }
  return !fail;
}
