/**
 * Section 1 of the lifecycle benchmark: how long a session stuck in a wait lives on after its
 * client goes away (socket dropped without COM_QUIT), and how long KILL QUERY / KILL CONNECTION
 * take to reach it.
 *
 * For each wait a victim connection enters the wait; the observer confirms from the process
 * list that the statement is running, then either the victim's socket is closed (time until
 * its id leaves the list) or the observer sends KILL (time until the victim reads its ERR or
 * the close). Every wait is bounded by `capMs`; leftover sessions are removed with KILL.
 */

import { RawConnection } from "./raw_mysql.ts";
import type { RawOutcome } from "./raw_mysql.ts";
import { delay, Observer } from "./lifecycle_observer.ts";

/** Rows of the CPU-bound wait's table: the statement joins it with itself three times. */
export const CPU_TABLE_ROWS = 2000;

const CPU_SQL = "SELECT COUNT(*) FROM lcbench.a, lcbench.a AS b, lcbench.a AS c";

/** One kind of wait: what a holder session does first, and the victim's statement. */
export interface WaitKind {
  name: string;
  /** Statements a holder session runs before the victims, and after them to let go. */
  hold: string[];
  release: string[];
  victimSql(rep: number): string;
  /** The victim's statement as the report shows it. */
  shown: string;
  /** A victim left running burns a core: measure nothing more of this kind after one. */
  cpuBound?: boolean;
}

/** The waits measured, cheapest to clean up first; the CPU-bound one last. */
export const WAIT_KINDS: WaitKind[] = [
  {
    name: "SELECT SLEEP(1000)",
    hold: [],
    release: [],
    victimSql: () => "SELECT SLEEP(1000)",
    shown: "SELECT SLEEP(1000)",
  },
  {
    name: "metadata lock (ALTER TABLE vs open transaction)",
    hold: ["BEGIN", "SELECT * FROM lcbench.t"],
    release: ["COMMIT"],
    victimSql: (rep) => `ALTER TABLE lcbench.t ADD COLUMN c${rep}_${Date.now()} INT`,
    shown: "ALTER TABLE lcbench.t ADD COLUMN c<rep>_<time> INT",
  },
  {
    name: "LOCK TABLES t WRITE held, SELECT waits",
    hold: ["LOCK TABLES lcbench.t WRITE"],
    release: ["UNLOCK TABLES"],
    victimSql: () => "SELECT * FROM lcbench.t",
    shown: "SELECT * FROM lcbench.t",
  },
  {
    name: "GET_LOCK('lcbench', 1000)",
    hold: ["SELECT GET_LOCK('lcbench', 0)"],
    release: ["SELECT RELEASE_LOCK('lcbench')"],
    victimSql: () => "SELECT GET_LOCK('lcbench', 1000)",
    shown: "SELECT GET_LOCK('lcbench', 1000)",
  },
  {
    name: `CPU-bound: 3-way cross join over ${CPU_TABLE_ROWS} rows`,
    hold: [],
    release: [],
    victimSql: () => CPU_SQL,
    shown: CPU_SQL,
    cpuBound: true,
  },
];

/** How a wait is ended. */
export type EndMethod = "disconnect" | "KILL QUERY" | "KILL CONNECTION";

/** The ways to end a wait, in the order measured. */
export const END_METHODS: EndMethod[] = ["disconnect", "KILL QUERY", "KILL CONNECTION"];

/** One repetition: milliseconds, or capped, or not measurable (with why). */
export interface Sample {
  ms?: number;
  capped?: boolean;
  /** Why there is no number, or what the victim read (ERR code / closed). */
  note?: string;
}

/** The summary of one (wait, method) cell. */
export interface WaitCell {
  medianMs?: number;
  capped: boolean;
  samples: number;
  note?: string;
}

/** Bounds of {@linkcode measureWaits}. */
export interface WaitOptions {
  reps: number;
  capMs: number;
}

const RUNNING_TIMEOUT_MS = 5_000;
const STUCK = "session still listed after KILL CONNECTION";
/** Time in the wait before it is ended, so the session is past any start-up checks. */
const SETTLE_MS = 300;

/** Creates `lcbench.t` (a few rows) and `lcbench.a` ({@linkcode CPU_TABLE_ROWS} rows). */
export async function createWaitTables(obs: Observer): Promise<void> {
  await obs.query("CREATE DATABASE lcbench");
  await obs.query("CREATE TABLE lcbench.t (id INT PRIMARY KEY, v INT)");
  await obs.query("INSERT INTO lcbench.t VALUES (1, 1), (2, 2), (3, 3)");
  await obs.query("CREATE TABLE lcbench.a (x INT PRIMARY KEY)");
  const values = Array.from({ length: CPU_TABLE_ROWS }, (_, i) => `(${i + 1})`).join(",");
  await obs.query(`INSERT INTO lcbench.a VALUES ${values}`, 60_000);
}

/**
 * Times the 2-way join (1/{@linkcode CPU_TABLE_ROWS} of the 3-way one), so the report can
 * show the CPU-bound statement would run far longer than the cap. Milliseconds, or undefined
 * past `boundMs`.
 */
export async function calibrateCpuWait(
  obs: Observer,
  boundMs: number,
): Promise<number | undefined> {
  const start = performance.now();
  const out = await obs.send("SELECT COUNT(*) FROM lcbench.a, lcbench.a AS b", boundMs);
  if (out.kind !== "result") return undefined;
  return performance.now() - start;
}

/** Measures every wait with every end method; keys are `${wait.name}|${method}`. */
export async function measureWaits(
  srv: { host: string; port: number },
  obs: Observer,
  opts: WaitOptions,
  log: (line: string) => void,
): Promise<Map<string, WaitCell>> {
  const cells = new Map<string, WaitCell>();
  for (const kind of WAIT_KINDS) {
    const holder = await RawConnection.open(srv.host, srv.port);
    try {
      const held = await runAll(holder, kind.hold);
      let skip = held === undefined ? undefined : `n/a: holder failed: ${held}`;
      for (const method of END_METHODS) {
        const cell = skip === undefined
          ? await measureCell(srv, obs, kind, method, opts, log)
          : { capped: false, samples: 0, note: skip };
        if (kind.cpuBound && cell.note?.includes(STUCK)) {
          skip ??= "not measured: an earlier victim of this wait could not be removed";
        }
        cells.set(`${kind.name}|${method}`, cell);
        log(`${kind.name} | ${method}: ${describeCell(cell, opts.capMs)}`);
      }
      await runAll(holder, kind.release);
    } finally {
      holder.close();
      await obs.removeSession(holder.connectionId).catch(() => false);
    }
  }
  return cells;
}

/** Runs statements in order; returns the first failure's message, or undefined. */
async function runAll(conn: RawConnection, statements: string[]): Promise<string | undefined> {
  for (const sql of statements) {
    const out = await conn.send(sql, 10_000);
    if (out.kind !== "result") return `${sql}: ${out.error.message}`;
  }
  return undefined;
}

async function measureCell(
  srv: { host: string; port: number },
  obs: Observer,
  kind: WaitKind,
  method: EndMethod,
  opts: WaitOptions,
  log: (line: string) => void,
): Promise<WaitCell> {
  const samples: Sample[] = [];
  for (let rep = 0; rep < opts.reps; rep++) {
    let sample: Sample;
    try {
      sample = await measureOnce(srv, obs, kind.victimSql(rep), method, opts.capMs);
    } catch (err) {
      sample = { note: `error: ${(err as Error).message}` };
    }
    log(
      `  rep ${rep + 1}: ${sample.ms?.toFixed(1) ?? "-"} ms${sample.capped ? " (cap)" : ""}` +
        `${sample.note ? ` ${sample.note}` : ""}`,
    );
    samples.push(sample);
    // A capped or failed repetition would only repeat the same wait: one is enough.
    if (sample.ms === undefined) break;
  }
  return summarize(samples);
}

/** One victim: enter the wait, end it by `method`, time it, then remove what is left. */
async function measureOnce(
  srv: { host: string; port: number },
  obs: Observer,
  sql: string,
  method: EndMethod,
  capMs: number,
): Promise<Sample> {
  const victim = await RawConnection.open(srv.host, srv.port);
  const id = victim.connectionId;
  const run: VictimRun = { victim, settled: undefined, outcome: Promise.resolve() };
  run.outcome = victim.send(sql, capMs + 120_000).then((o) => void (run.settled = o));
  let sample: Sample;
  try {
    sample = await endWait(obs, run, sql, method, capMs);
  } catch (err) {
    sample = { note: `error: ${(err as Error).message}` };
  }
  victim.close();
  await run.outcome;
  if (!(await obs.removeSession(id))) {
    sample.note = [sample.note, STUCK]
      .filter(Boolean).join("; ");
  }
  return sample;
}

/** A victim connection and its statement's outcome, once known. */
interface VictimRun {
  victim: RawConnection;
  settled: RawOutcome | undefined;
  outcome: Promise<void>;
}

async function endWait(
  obs: Observer,
  run: VictimRun,
  sql: string,
  method: EndMethod,
  capMs: number,
): Promise<Sample> {
  const id = run.victim.connectionId;
  const row = await obs.waitRunning(id, sql, RUNNING_TIMEOUT_MS, () => run.settled !== undefined);
  if (row !== undefined) await delay(SETTLE_MS);
  if (run.settled !== undefined) {
    return { note: `n/a: did not wait (${describeOutcome(run.settled)})` };
  }
  if (row === undefined) return { note: "n/a: statement never showed in the process list" };
  const start = performance.now();
  if (method === "disconnect") {
    run.victim.close();
    const ms = await obs.waitGone(id, start, start + capMs);
    return ms === undefined ? { capped: true } : { ms };
  }
  const kill = obs.send(`${method} ${id}`);
  const deadline = start + capMs;
  while (run.settled === undefined && performance.now() < deadline) await delay(1);
  const killed = await kill;
  if (killed.kind !== "result") return { note: `n/a: ${method} failed: ${killed.error.message}` };
  const ended = run.settled as RawOutcome | undefined;
  if (ended === undefined) return { capped: true };
  return { ms: ended.at - start, note: describeOutcome(ended) };
}

function describeOutcome(o: RawOutcome): string {
  if (o.kind === "result") {
    const { columns, rows } = o.result;
    if (columns.length === 0) return "OK";
    if (columns.length > 1 || rows.length !== 1) return `${rows.length} rows`;
    return `result ${rows[0]![0] ?? "NULL"}`;
  }
  if (o.kind === "error") {
    const m = o.error.message.match(/^ERR (\d+)/);
    return m ? `ERR ${m[1]}` : o.error.message;
  }
  return o.kind;
}

/** Median of the timed samples; capped if any repetition hit the cap. */
export function summarize(samples: Sample[]): WaitCell {
  const times = samples.flatMap((s) => (s.ms === undefined ? [] : [s.ms])).sort((a, b) => a - b);
  const capped = samples.some((s) => s.capped);
  const notes = [...new Set(samples.flatMap((s) => (s.note ? [s.note] : [])))];
  const cell: WaitCell = { capped, samples: samples.length };
  if (times.length > 0 && !capped) {
    const mid = Math.floor(times.length / 2);
    cell.medianMs = times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  }
  if (notes.length > 0) cell.note = notes.join("; ");
  return cell;
}

/** "12 ms (ERR 1317)", "> 10 s (never noticed)", "n/a: ...". */
export function describeCell(cell: WaitCell | undefined, capMs: number): string {
  if (cell === undefined) return "-";
  if (cell.capped) {
    return `> ${capMs / 1000} s (never noticed)${cell.note ? `; ${cell.note}` : ""}`;
  }
  if (cell.medianMs === undefined) return cell.note ?? "-";
  const ms = cell.medianMs >= 100 ? cell.medianMs.toFixed(0) : cell.medianMs.toFixed(1);
  return `${ms} ms${cell.note ? ` (${cell.note})` : ""}`;
}
