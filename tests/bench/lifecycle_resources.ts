/**
 * Sections 2 and 3 of the lifecycle benchmark: the connect loop with the thread cache on and
 * off (with Threads_created), and the server's resident memory per idle connection.
 */

import { connectLoop } from "./connect_loop.ts";
import { RawConnection } from "./raw_mysql.ts";
import { delay } from "./lifecycle_observer.ts";
import type { Observer } from "./lifecycle_observer.ts";
import type { ServerProcess } from "../helpers/server_process.ts";

/** One connect-loop run. */
export interface ConnectRun {
  /** thread_cache_size during the run. */
  cacheSize: string;
  /** Connections per second, or undefined when the loop did not finish in its bound. */
  perSecond?: number;
  /** Threads_created before and after the run. */
  threadsBefore: number;
  threadsAfter: number;
  note?: string;
}

const CONNECT_MAX_ITERATIONS = 20_000;

/** Runs the connect loop with the default thread_cache_size, then with 0; restores it. */
export async function measureConnectRate(
  srv: ServerProcess,
  obs: Observer,
  seconds: number,
): Promise<{ cached: ConnectRun; uncached: ConnectRun }> {
  const original = (await obs.scalar("SELECT @@GLOBAL.thread_cache_size")) ?? "";
  const cached = await connectRun(srv, obs, seconds);
  await obs.query("SET GLOBAL thread_cache_size = 0");
  try {
    const uncached = await connectRun(srv, obs, seconds);
    return { cached, uncached };
  } finally {
    await obs.query(`SET GLOBAL thread_cache_size = ${Number(original)}`);
  }
}

async function connectRun(srv: ServerProcess, obs: Observer, seconds: number): Promise<ConnectRun> {
  const cacheSize = (await obs.scalar("SELECT @@GLOBAL.thread_cache_size")) ?? "?";
  const threadsBefore = await threadsCreated(obs);
  // connectLoop stops by itself at `seconds`; the race only bounds a connect that hangs.
  const loop = connectLoop(srv, { seconds, maxIterations: CONNECT_MAX_ITERATIONS });
  const bound = delay((seconds + 30) * 1000).then(() => undefined);
  let perSecond: number | undefined;
  let note: string | undefined;
  try {
    perSecond = await Promise.race([loop, bound]);
    if (perSecond === undefined) note = `loop still running after ${seconds + 30} s`;
  } catch (err) {
    note = `error: ${(err as Error).message}`;
  }
  const run: ConnectRun = {
    cacheSize,
    threadsBefore,
    threadsAfter: await threadsCreated(obs),
  };
  if (perSecond !== undefined) run.perSecond = perSecond;
  if (note !== undefined) run.note = note;
  return run;
}

async function threadsCreated(obs: Observer): Promise<number> {
  const res = await obs.query("SHOW GLOBAL STATUS LIKE 'Threads_created'");
  return Number(res.rows[0]?.[1] ?? NaN);
}

/** Server RSS with 0 and with more idle connections. */
export interface MemoryResult {
  pid: number;
  idleMb: number;
  points: { wanted: number; opened: number; rssMb: number }[];
  /** Time from closing them all until only the observer is listed, ms. */
  drainMs?: number;
  note?: string;
}

const DRAIN_BOUND_MS = 60_000;

/**
 * Opens idle raw connections up to each count in `counts` and samples the server's VmRSS; then
 * closes them and waits (bounded) until only the observer is left, so the next section starts
 * on a quiet server.
 */
export async function measureMemory(
  srv: ServerProcess,
  obs: Observer,
  counts: number[],
): Promise<MemoryResult> {
  const pid = await serverPid(srv);
  const idleMb = await settledRssMb(pid);
  const open: RawConnection[] = [];
  const result: MemoryResult = { pid, idleMb, points: [] };
  const failures = new Set<string>();
  try {
    for (const wanted of counts) {
      await openUpTo(srv, open, wanted, failures);
      result.points.push({ wanted, opened: open.length, rssMb: await settledRssMb(pid) });
    }
  } finally {
    for (const conn of open) conn.close();
  }
  const closed = performance.now();
  if (await obs.waitListed(1, DRAIN_BOUND_MS)) result.drainMs = performance.now() - closed;
  else failures.add(`sessions still listed ${DRAIN_BOUND_MS / 1000} s after closing`);
  if (failures.size > 0) result.note = `connect failures: ${[...failures].join("; ")}`;
  return result;
}

const OPEN_BATCH = 10;

/** Opens connections in parallel batches until `open` holds `wanted` or a batch opens none. */
async function openUpTo(
  srv: ServerProcess,
  open: RawConnection[],
  wanted: number,
  failures: Set<string>,
): Promise<void> {
  while (open.length < wanted) {
    const batch = Math.min(OPEN_BATCH, wanted - open.length);
    const settled = await Promise.allSettled(
      Array.from(
        { length: batch },
        () => RawConnection.open(srv.host, srv.port, { timeoutMs: 30_000 }),
      ),
    );
    let added = 0;
    for (const s of settled) {
      if (s.status === "fulfilled") {
        open.push(s.value);
        added++;
      } else failures.add((s.reason as Error).message);
    }
    if (added === 0) return;
  }
}

/** The median of five VmRSS samples 200 ms apart, after a one-second settle, in MB. */
async function settledRssMb(pid: number): Promise<number> {
  await delay(1_000);
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(await rssKb(pid));
    await delay(200);
  }
  samples.sort((a, b) => a - b);
  return samples[2]! / 1024;
}

async function rssKb(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const m = status.match(/^VmRSS:\s+(\d+) kB/m);
  if (!m) throw new Error(`Cannot read VmRSS: no VmRSS line in /proc/${pid}/status`);
  return Number(m[1]);
}

/**
 * The server's process id. The harness does not expose its child's pid, so find the process
 * whose command line holds this server's own `--port=` and `--datadir=` options (unique to it:
 * the datadir is a fresh temporary directory).
 */
export async function serverPid(srv: ServerProcess): Promise<number> {
  const want = [`--port=${srv.port}`, `--datadir=${srv.datadir}`];
  const found: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`).catch(() => "");
    const args = cmdline.split("\0");
    if (want.every((w) => args.includes(w))) found.push(Number(entry.name));
  }
  if (found.length !== 1) {
    throw new Error(
      `Cannot find the ${srv.target} process: ${found.length} match ${want.join(" ")}`,
    );
  }
  return found[0]!;
}
