/**
 * In-process microbenchmark of the worker side of a HandlerSocket find: a store in a temp
 * datadir, sysbench's sbtest1 with 10000 rows, and finds by primary key through `HsExecutor`
 * — one request at a time, and batches of 16 pipelined lines as the worker answers one read of
 * a connection. No sockets. Not a test: it prints µs per find (median of the rounds).
 *
 * ```sh
 * deno run -A tests/bench/hs_executor_micro.ts [--finds=N] [--rounds=R] [--profile=FILE]
 * ```
 */

import { parseArgs } from "node:util";
import { Session as InspectorSession } from "node:inspector";
import { initializeStore, openEngine } from "../../server/sql/engine.ts";
import { createLockTableBuffer } from "../../server/locks/mod.ts";
import { HsExecutor } from "../../server/handlersocket/hs_executor.ts";
import { HsResponseWriter } from "../../protocol/handlersocket.ts";
import { fakeLink, rootIdentity } from "../sql/_engine_fixture.ts";
import { sbtestStatements } from "./sbtest_data.ts";
import { median } from "./median.ts";

const ROWS = 10000;
const PIPELINE = 16;
/** Distinct request bodies cycled through (random ids each). */
const POOL = 4096;
const enc = new TextEncoder();

/** The answer buffer, reused for every batch as a worker's connection does (hs_worker.ts). */
const reply = new HsResponseWriter(4096);

/** The worker's answer to one read of lines (hs_worker.ts `serve`): synchronous when every
 * request was, as in the worker. */
function answer(ex: HsExecutor, body: Uint8Array): Uint8Array | Promise<Uint8Array> {
  reply.reset();
  const waiting = ex.answer(body, 0, reply);
  if (waiting) return waiting.then(() => reply.bytes());
  return reply.bytes();
}

/** `n` batches of `lines` finds of random ids each (the lines with LF). */
function bodies(n: number, lines: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    let text = "";
    for (let j = 0; j < lines; j++) text += `1\t=\t1\t${1 + Math.floor(Math.random() * ROWS)}\n`;
    out.push(enc.encode(text));
  }
  return out;
}

/** One request per read, as with one connection that waits for each answer. */
async function timeSingles(ex: HsExecutor, pool: Uint8Array[], n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    let r = answer(ex, pool[i % pool.length]!);
    if (r instanceof Promise) r = await r;
    if (r[0] !== 0x30) throw new Error(`Cannot find: ${new TextDecoder().decode(r)}`);
  }
  return (performance.now() - t0) * 1000 / n;
}

async function timeBatches(ex: HsExecutor, pool: Uint8Array[], n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = answer(ex, pool[i % pool.length]!);
    if (r instanceof Promise) await r;
  }
  return (performance.now() - t0) * 1000 / (n * PIPELINE);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      finds: { type: "string", default: "20000" },
      rounds: { type: "string", default: "7" },
      profile: { type: "string" },
    },
  });
  const finds = Number(values.finds);
  const rounds = Number(values.rounds);
  const dir = await Deno.makeTempDir({ prefix: "hsperf-" });
  const path = `${dir}/store.db`;
  initializeStore(path);
  const engine = openEngine({
    path,
    serverVersion: "8.0.36-mydeno-bench",
    catalogEpoch: new Int32Array(new SharedArrayBuffer(4)),
    lockTable: createLockTableBuffer(),
  });
  const session = engine.openSession(rootIdentity(), fakeLink(), () => new Map());
  try {
    for (const sql of sbtestStatements(ROWS)) await session.execute(sql);
    const ex = new HsExecutor(session, { writable: false, secret: "" });
    const open = await ex.handle(enc.encode("P\t1\tsbtest\tsbtest1\tPRIMARY\tid,k,c,pad"));
    if (open[0] !== 0x30) throw new Error("Cannot open index");
    // Warm up both paths.
    // Pools of request bodies small enough to stay in cache, as a fresh ring read is.
    const singles1 = bodies(POOL, 1);
    const batches16 = bodies(POOL / PIPELINE, PIPELINE);
    await timeSingles(ex, singles1, 5000);
    await timeBatches(ex, batches16, 300);
    let profiler: InspectorSession | null = null;
    if (values.profile) {
      profiler = new InspectorSession();
      profiler.connect();
      profiler.post("Profiler.enable");
      profiler.post("Profiler.start");
    }
    const singles: number[] = [];
    const batches: number[] = [];
    for (let r = 0; r < rounds; r++) {
      singles.push(await timeSingles(ex, singles1, finds));
      batches.push(await timeBatches(ex, batches16, Math.ceil(finds / PIPELINE)));
    }
    if (profiler && values.profile) {
      const file = values.profile;
      await new Promise<void>((resolve) =>
        profiler!.post("Profiler.stop", (_e, r) => {
          Deno.writeTextFileSync(file, JSON.stringify(r.profile));
          resolve();
        })
      );
      profiler.disconnect();
    }
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(" ");
    console.log(`single find:        median ${median(singles).toFixed(2)} µs  (${fmt(singles)})`);
    console.log(
      `pipelined x${PIPELINE}:     median ${median(batches).toFixed(2)} µs/find  (${fmt(batches)})`,
    );
    ex.close();
  } finally {
    session.close();
    engine.close();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main();
