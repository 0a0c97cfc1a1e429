/** Formats the lifecycle benchmark's results as a Markdown section for BENCHMARKS.md. */

import { CPU_TABLE_ROWS, describeCell, END_METHODS, WAIT_KINDS } from "./lifecycle_waits.ts";
import type { EndMethod, WaitCell } from "./lifecycle_waits.ts";
import type { ConnectRun, MemoryResult } from "./lifecycle_resources.ts";

/** Everything measured on one server; a section that failed leaves its error instead. */
export interface TargetLifecycle {
  version: string;
  pollQuery?: string;
  memory?: MemoryResult;
  connect?: { cached: ConnectRun; uncached: ConnectRun };
  waits?: Map<string, WaitCell>;
  /** Milliseconds of the 2-way join, the CPU-bound wait's 1/CPU_TABLE_ROWS. */
  cpuCalibrationMs?: number;
  errors: string[];
}

/** What the report needs besides the results. */
export interface LifecycleReportInput {
  date: string;
  machine: string;
  mydeno: TargetLifecycle | undefined;
  mariadb: TargetLifecycle | undefined;
  capMs: number;
  reps: number;
  pollMs: number;
  connectSeconds: number;
  memoryCounts: number[];
  command: string;
}

const METHOD_TITLES: Record<EndMethod, string> = {
  "disconnect":
    "Client socket closed (no COM_QUIT) → session gone from the process list, ms (median)",
  "KILL QUERY":
    "KILL QUERY from another session → victim's statement ends (ERR, or a result), ms (median)",
  "KILL CONNECTION":
    "KILL CONNECTION from another session → victim reads ERR or the close, ms (median)",
};

function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(" | ")} |`,
    `| --- | ${head.slice(1).map(() => "---:").join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ];
}

function fixed(value: number | undefined, digits = 1): string {
  return value === undefined || Number.isNaN(value) ? "-" : value.toFixed(digits);
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined || b === 0 ? "-" : (a / b).toFixed(2);
}

function waitTables(r: LifecycleReportInput): string[] {
  const out: string[] = [];
  for (const method of END_METHODS) {
    const rows = WAIT_KINDS.map((kind) => {
      const key = `${kind.name}|${method}`;
      const a = r.mydeno?.waits?.get(key);
      const b = r.mariadb?.waits?.get(key);
      const diff = a?.medianMs !== undefined && b?.medianMs !== undefined
        ? (a.medianMs - b.medianMs).toFixed(1)
        : "-";
      return [kind.name, describeCell(a, r.capMs), describeCell(b, r.capMs), diff];
    });
    out.push(`#### ${METHOD_TITLES[method]}`, "");
    out.push(...table(["wait", "mydeno", "MariaDB", "mydeno − MariaDB, ms"], rows), "");
  }
  const est = (t: TargetLifecycle | undefined) =>
    t?.cpuCalibrationMs === undefined
      ? "-"
      : `${((t.cpuCalibrationMs * CPU_TABLE_ROWS) / 1000).toFixed(0)} s`;
  out.push(
    `CPU-bound statement, uninterrupted, estimated from the 2-way join ` +
      `(${fixed(r.mydeno?.cpuCalibrationMs, 0)} ms on mydeno, ` +
      `${fixed(r.mariadb?.cpuCalibrationMs, 0)} ms on MariaDB) × ${CPU_TABLE_ROWS}: ` +
      `mydeno ${est(r.mydeno)}, MariaDB ${est(r.mariadb)}.`,
    "",
  );
  return out;
}

function connectTable(r: LifecycleReportInput): string[] {
  const run = (t: TargetLifecycle | undefined, which: "cached" | "uncached") => t?.connect?.[which];
  const size = (which: "cached" | "uncached") =>
    `${run(r.mydeno, which)?.cacheSize ?? "-"} / ${run(r.mariadb, which)?.cacheSize ?? "-"}`;
  const rows: string[][] = [];
  for (const which of ["cached", "uncached"] as const) {
    const a = run(r.mydeno, which);
    const b = run(r.mariadb, which);
    const label = which === "cached" ? "default" : "0";
    rows.push([
      `connect + SELECT 1 + disconnect per s, thread_cache_size ${label} (${size(which)})`,
      fixed(a?.perSecond) + (a?.note ? ` (${a.note})` : ""),
      fixed(b?.perSecond) + (b?.note ? ` (${b.note})` : ""),
      ratio(a?.perSecond, b?.perSecond),
    ]);
    const created = (x: ConnectRun | undefined) =>
      x === undefined ? "-" : `+${x.threadsAfter - x.threadsBefore} (now ${x.threadsAfter})`;
    rows.push([`Threads_created during that run`, created(a), created(b), "-"]);
  }
  return [
    ...table(
      ["run (thread_cache_size mydeno / MariaDB)", "mydeno", "MariaDB", "mydeno / MariaDB"],
      rows,
    ),
    "",
  ];
}

function memoryTable(r: LifecycleReportInput): string[] {
  const m = (t: TargetLifecycle | undefined) => t?.memory;
  const rows: string[][] = [[
    "VmRSS, idle (only the observer connected), MB",
    fixed(m(r.mydeno)?.idleMb),
    fixed(m(r.mariadb)?.idleMb),
    ratio(m(r.mydeno)?.idleMb, m(r.mariadb)?.idleMb),
  ]];
  r.memoryCounts.forEach((count, i) => {
    const point = (t: TargetLifecycle | undefined) => m(t)?.points[i];
    const per = (t: TargetLifecycle | undefined) => {
      const p = point(t);
      const idle = m(t)?.idleMb;
      return p && idle !== undefined && p.opened > 0 ? (p.rssMb - idle) / p.opened : undefined;
    };
    const opened = (t: TargetLifecycle | undefined) => {
      const p = point(t);
      return p && p.opened !== count ? ` (only ${p.opened} opened)` : "";
    };
    rows.push([
      `VmRSS with ${count} idle connections open, MB`,
      fixed(point(r.mydeno)?.rssMb) + opened(r.mydeno),
      fixed(point(r.mariadb)?.rssMb) + opened(r.mariadb),
      ratio(point(r.mydeno)?.rssMb, point(r.mariadb)?.rssMb),
    ]);
    rows.push([
      `MB per connection (${count} open)`,
      fixed(per(r.mydeno), 2),
      fixed(per(r.mariadb), 2),
      ratio(per(r.mydeno), per(r.mariadb)),
    ]);
  });
  const last = r.memoryCounts[r.memoryCounts.length - 1];
  rows.push([
    `${last} connections closed → only the observer listed, ms`,
    fixed(m(r.mydeno)?.drainMs, 0),
    fixed(m(r.mariadb)?.drainMs, 0),
    ratio(m(r.mydeno)?.drainMs, m(r.mariadb)?.drainMs),
  ]);
  const notes = [
    m(r.mydeno)?.note ? `mydeno: ${m(r.mydeno)?.note}` : "",
    m(r.mariadb)?.note ? `MariaDB: ${m(r.mariadb)?.note}` : "",
  ].filter(Boolean);
  return [
    ...table(["measure", "mydeno", "MariaDB", "mydeno / MariaDB"], rows),
    "",
    ...(notes.length > 0 ? [notes.join("; "), ""] : []),
  ];
}

function method(r: LifecycleReportInput): string[] {
  const poll = r.mydeno?.pollQuery ?? r.mariadb?.pollQuery ?? "-";
  const pollB = r.mariadb?.pollQuery ?? "-";
  return [
    "Method (`tests/bench/lifecycle_bench.ts`; all clients on 127.0.0.1):",
    "",
    "```sh",
    r.command,
    "```",
    "",
    `- Waits: a victim on a raw TCP socket (tests/bench/raw_mysql.ts) sends the statement; ` +
    `an observer polls every ${r.pollMs} ms (mydeno: \`${poll}\`, MariaDB: \`${pollB}\`) ` +
    `until the victim's statement shows, waits 300 ms more, then either closes the victim's ` +
    `socket (FIN, no COM_QUIT) and polls until the victim's id is gone, or sends ` +
    `\`KILL QUERY id\` / \`KILL CONNECTION id\` and times until the victim reads ERR or EOF. ` +
    `Median of ${r.reps} repetitions, one when the first hits the ${r.capMs / 1000} s cap; ` +
    `leftovers are removed with KILL QUERY, then KILL CONNECTION. The socket is closed a ` +
    `fixed 300 ms after the statement shows, so a server that checks the client once per ` +
    `fixed slice of a wait (counted from the wait's start) shows about slice − 300 ms.`,
    "- Wait set-up: `lcbench.t` (3 rows), `lcbench.a` (" + CPU_TABLE_ROWS + " rows). " +
    WAIT_KINDS.map((k) =>
      `${k.name}: holder \`${k.hold.join("; ") || "-"}\`, victim \`${k.shown}\``
    ).join("; ") + ".",
    `- Connect rate: tests/bench/connect_loop.ts (npm mysql2: connect, \`SELECT 1\`, end) for ` +
    `${r.connectSeconds} s with the default thread_cache_size, then after ` +
    "`SET GLOBAL thread_cache_size = 0`; `SHOW GLOBAL STATUS LIKE 'Threads_created'` around each.",
    `- Memory: VmRSS of the server process from /proc/PID/status (median of 5 samples after 1 s), ` +
    `with only the observer connected, then with ${r.memoryCounts.join(" and then ")} ` +
    "idle raw connections (logged in, no statement). Both servers run with `--max-connections=300`.",
    "",
  ];
}

/** The Markdown section: heading, machine line, one table per measurement, method. */
export function formatLifecycleReport(r: LifecycleReportInput): string {
  const errors = [
    ...(r.mydeno?.errors ?? []).map((e) => `- mydeno: ${e}`),
    ...(r.mariadb?.errors ?? []).map((e) => `- MariaDB: ${e}`),
  ];
  return [
    `## ${r.date}: connection lifecycle, mydeno ${r.mydeno?.version ?? "not run"} vs MariaDB ` +
    `${r.mariadb?.version ?? "not run"}`,
    "",
    `Machine: ${r.machine}. Both servers on 127.0.0.1, run one after the other.`,
    "",
    "### Waits: disconnect and KILL",
    "",
    ...waitTables(r),
    "### Connect rate and the thread cache",
    "",
    ...connectTable(r),
    "### Memory per idle connection",
    "",
    ...memoryTable(r),
    ...(errors.length > 0 ? ["Errors during the run:", "", ...errors, ""] : []),
    ...method(r),
  ].join("\n");
}
