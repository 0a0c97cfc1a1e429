/**
 * V8's sampling heap profiler as a user meets it, through a real server and npm mysql2:
 * `_js_heap_sample_interval` with its limits, information_schema.JS_HEAP_SAMPLES with rows for
 * the main thread and the session workers, WHERE / ORDER BY / LIMIT / GROUP BY / joins, a
 * JavaScript leak the memory tracker cannot see (debug_leak_memory) found by file and function,
 * PROCESS, and sampling turned off.
 */

import assert from "node:assert/strict";
import type { Connection, RowDataPacket } from "mysql2/promise";
import { assertSqlError, connectMysql2 } from "../helpers/mysql2_client.ts";
import { startServer } from "../helpers/server_process.ts";
import { waitUntil } from "../helpers/wait_until.ts";

interface HeapSampleRow extends RowDataPacket {
  THREAD_ID: number;
  THREAD_NAME: string;
  BACK_TRACE: string;
  ALLOC_COUNT: number;
  ALLOC_BYTES: number;
  AGE_MS: number;
}

async function heapSamples(conn: Connection, where = "1"): Promise<HeapSampleRow[]> {
  const [rows] = await conn.query<HeapSampleRow[]>(
    `SELECT * FROM information_schema.JS_HEAP_SAMPLES WHERE ${where} ORDER BY ALLOC_BYTES DESC`,
  );
  return rows;
}

Deno.test({
  name: "memory: JS_HEAP_SAMPLES shows each thread's live JS allocations by stack",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  await using srv = await startServer({ target: "mydeno", options: ["--memory-leak-exit"] });
  const conn = await connectMysql2(srv);
  try {
    const [vars] = await conn.query<RowDataPacket[]>("SHOW VARIABLES LIKE '_js_heap%'");
    assert.deepEqual(vars.map((r) => [r.Variable_name, r.Value]), [
      ["_js_heap_sample_interval", "32768"],
    ]);
    for (const bad of ["1", "1023", "-1", "1073741825"]) {
      await assertSqlError(conn.query(`SET GLOBAL _js_heap_sample_interval = ${bad}`), {
        errno: 1231,
        message: `Variable '_js_heap_sample_interval' can't be set to the value of '${bad}'`,
      });
    }

    // Every thread's rows: the main thread, and the worker that serves this session. (The main
    // thread's sample set restarts when a worker starts, so it may take a few statements of
    // allocations before it holds a sample.)
    let threads: RowDataPacket[] = [];
    await waitUntil("the retained array shows in JS_HEAP_SAMPLES", async () => {
      [threads] = await conn.query<RowDataPacket[]>(
        "SELECT THREAD_ID, THREAD_NAME, COUNT(*) AS stacks, SUM(ALLOC_COUNT) AS samples, " +
          "SUM(ALLOC_BYTES) AS bytes FROM information_schema.JS_HEAP_SAMPLES " +
          "GROUP BY THREAD_ID, THREAD_NAME ORDER BY THREAD_ID",
      );
      return threads[0]?.THREAD_NAME === "main";
    });
    assert.equal(threads[0]!.THREAD_ID, 0);
    assert.ok(threads.some((r) => /^session-\d+$/.test(r.THREAD_NAME)), JSON.stringify(threads));
    assert.ok(threads.every((r) => Number(r.samples) > 0 && Number(r.bytes) > 0));
    // A join with the heap statistics of the same threads, LIMIT, readable frames.
    const [joined] = await conn.query<RowDataPacket[]>(
      "SELECT s.THREAD_NAME, s.BACK_TRACE, s.AGE_MS, h.USED_HEAP_SIZE " +
        "FROM information_schema.JS_HEAP_SAMPLES s JOIN information_schema.JS_HEAP_STATISTICS h " +
        "ON h.THREAD_ID = s.THREAD_ID WHERE s.THREAD_NAME = 'main' " +
        "ORDER BY s.ALLOC_BYTES DESC LIMIT 3",
    );
    assert.ok(joined.length >= 1 && joined.length <= 3, JSON.stringify(joined));
    for (const r of joined) {
      assert.ok(Number(r.USED_HEAP_SIZE) > 0 && Number(r.AGE_MS) >= 0);
      // `file:line:column function` frames (a V8 builtin innermost reads as its bare name).
      assert.match(r.BACK_TRACE, /(^|; )[\w/.:-]+\.[jt]s:\d+:\d+/);
    }

    // A JavaScript leak the memory tracker does not see: found by its file and function, in the
    // worker thread that made it.
    await conn.query("SET GLOBAL debug_leak_memory = ON");
    for (let i = 0; i < 3; i++) (await conn.prepare(`SELECT ${i} + ? AS v`)).close();
    await conn.query("SET GLOBAL debug_leak_memory = OFF");
    const leaks = await heapSamples(conn, "BACK_TRACE LIKE '%leakOnPurpose%'");
    assert.equal(leaks.length, 1, JSON.stringify(leaks));
    const leak = leaks[0]!;
    assert.match(leak.THREAD_NAME, /^session-\d+$/);
    assert.match(
      leak.BACK_TRACE,
      /^server\/session\/prepared_statement_registry\.ts:\d+:\d+ leakOnPurpose; server\/session\/prepared_statement_registry\.ts:\d+:\d+ close; /,
    );
    // Three arrays of 256 KiB, each far above the sampling interval.
    assert.ok(leak.ALLOC_COUNT >= 1 && leak.ALLOC_BYTES >= 256 * 1024, JSON.stringify(leak));

    // Without PROCESS: only the rows of the thread that serves the account's own session.
    await conn.query("CREATE USER plain@'%'");
    const plain = await connectMysql2(srv, { user: "plain" });
    const [seen] = await plain.query<RowDataPacket[]>(
      "SELECT DISTINCT THREAD_NAME FROM information_schema.JS_HEAP_SAMPLES",
    );
    assert.equal(seen.length, 1, JSON.stringify(seen));
    assert.match(seen[0]!.THREAD_NAME, /^session-\d+$/);
    await plain.end();

    // Off: every thread stops sampling and publishes nothing.
    await conn.query("SET GLOBAL _js_heap_sample_interval = 0");
    await waitUntil(
      "JS_HEAP_SAMPLES is empty with sampling off",
      async () => (await heapSamples(conn)).length === 0,
    );
    await conn.query("SET GLOBAL _js_heap_sample_interval = 65536");
  } finally {
    await conn.end();
  }
  const status = await srv.stop();
  const log = await srv.logText();
  // debug_leak_memory also left its statements' tracked allocations: the only leak reported.
  assert.equal(status.code, 1, log);
  assert.match(log, /Memory not released at shutdown: prepared_statement: 3 allocations/);
  assert.doesNotMatch(log, /Memory not released at shutdown: (?!prepared_statement)/);
});
