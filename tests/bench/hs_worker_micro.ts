/**
 * In-process microbenchmark of a HandlerSocket worker thread behind its rings: the main
 * thread's `HsWorkerThread.request` (hs_service.ts) → inbound ring → hs_worker.ts → outbound
 * ring → the pump, without sockets. Finds by primary key on sysbench's sbtest1 (10000 rows):
 * one connection one request at a time (round trip), and `--conns` connections each keeping
 * one batch of `--pipeline` requests in flight (throughput). Prints µs per find (median of
 * the rounds). Not a test.
 *
 * ```sh
 * deno run -A tests/bench/hs_worker_micro.ts [--finds=N] [--rounds=R] [--conns=C] [--pipeline=P]
 * ```
 */

import { parseArgs } from "node:util";
import { initializeStore, openEngine } from "../../server/sql/engine.ts";
import { createLockTableBuffer } from "../../server/locks/mod.ts";
import { storePathOf } from "../../server/datadir.ts";
import { HsIn, withConn } from "../../server/handlersocket/hs_messages.ts";
import { HsWorkerThread } from "../../server/handlersocket/hs_service.ts";
import { fakeLink, rootIdentity } from "../sql/_engine_fixture.ts";
import { sbtestStatements } from "./sbtest_data.ts";
import { median } from "./median.ts";

const ROWS = 10000;
const enc = new TextEncoder();

async function load(datadir: string): Promise<void> {
  const path = storePathOf(datadir);
  initializeStore(path);
  const engine = openEngine({ path, serverVersion: "8.0.36-mydeno-bench" });
  const s = engine.openSession(rootIdentity(), fakeLink(), () => new Map());
  for (const sql of sbtestStatements(ROWS)) await s.execute(sql);
  s.close();
  engine.close();
}

/** `n` batches of `size` find lines with random ids. */
function batches(n: number, size: number): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let i = 0; i < n; i++) {
    const lines: Uint8Array[] = [];
    for (let j = 0; j < size; j++) {
      lines.push(enc.encode(`1\t=\t1\t${1 + Math.floor(Math.random() * ROWS)}`));
    }
    out.push(lines);
  }
  return out;
}

/** µs per find: `conns` connections, each sending its next batch when the last was answered. */
async function run(
  thread: HsWorkerThread,
  conns: number,
  pool: Uint8Array[][],
  finds: number,
): Promise<number> {
  const size = pool[0]!.length;
  const perConn = Math.ceil(finds / size / conns);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: conns }, async (_, c) => {
    for (let i = 0; i < perConn; i++) {
      const answer = await thread.request(c + 1, pool[(i * conns + c) % pool.length]!);
      if (answer[0] !== 0x30) throw new Error(`Cannot find: ${new TextDecoder().decode(answer)}`);
    }
  }));
  return (performance.now() - t0) * 1000 / (perConn * conns * size);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      finds: { type: "string", default: "20000" },
      rounds: { type: "string", default: "5" },
      conns: { type: "string", default: "2" },
      pipeline: { type: "string", default: "16" },
    },
  });
  const finds = Number(values.finds);
  const conns = Number(values.conns);
  const datadir = await Deno.makeTempDir({ prefix: "hsperf-" });
  const thread = new HsWorkerThread(1, false, () => {});
  // The pump waits with Atomics.waitAsync, which does not keep Deno's event loop alive (the
  // server's listeners do): a timer does here.
  const alive = setInterval(() => {}, 1000);
  try {
    await load(datadir);
    const error = await thread.start({
      t: "start",
      datadir,
      catalogEpoch: new SharedArrayBuffer(4),
      lockTable: createLockTableBuffer(),
      threadId: 1,
      globals: [],
    });
    if (error !== null) throw new Error(error);
    for (let c = 1; c <= conns; c++) {
      await thread.send(HsIn.OPEN, 0, withConn(c, new Uint8Array(0)));
      const open = await thread.request(c, [
        enc.encode("P\t1\tsbtest\tsbtest1\tPRIMARY\tid,k,c,pad"),
      ]);
      if (open[0] !== 0x30) throw new Error("Cannot open index");
    }
    const singles = batches(4096, 1);
    const piped = batches(256, Number(values.pipeline));
    await run(thread, 1, singles, 5000);
    await run(thread, conns, piped, 5000);
    const one: number[] = [];
    const many: number[] = [];
    for (let r = 0; r < Number(values.rounds); r++) {
      one.push(await run(thread, 1, singles, finds / 4));
      many.push(await run(thread, conns, piped, finds));
    }
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(" ");
    console.log(`1 connection, round trip:  median ${median(one).toFixed(2)} µs  (${fmt(one)})`);
    console.log(
      `${conns} connections x ${values.pipeline}:     median ${median(many).toFixed(2)} µs/find  (${
        fmt(many)
      })`,
    );
  } finally {
    clearInterval(alive);
    await thread.stop();
    await Deno.remove(datadir, { recursive: true });
  }
}

if (import.meta.main) await main();
