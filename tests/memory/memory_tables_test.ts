/**
 * The memory sampler as a user meets it, through a real server and npm mysql2:
 * `_min_malloc_sample_interval` / `_max_malloc_sample_interval` with their limits, the tables
 * __all_virtual_malloc_sample_info and performance_schema.memory_summary_global_by_event_name
 * with WHERE / ORDER BY / LIMIT / joins, a deliberate leak (debug_leak_memory) found with its
 * label and the file and line that allocated it, and the leak check at shutdown.
 */

import assert from "node:assert/strict";
import type { Connection, RowDataPacket } from "mysql2/promise";
import { assertSqlError, connectMysql2 } from "../helpers/mysql2_client.ts";
import { startServer } from "../helpers/server_process.ts";
import { waitUntil } from "../helpers/wait_until.ts";

interface SampleRow extends RowDataPacket {
  svr_ip: string;
  svr_port: number;
  tenant_id: number;
  ctx_id: number;
  mod_name: string;
  back_trace: string;
  ctx_name: string;
  alloc_count: number;
  alloc_bytes: number;
}

async function samples(conn: Connection, mod: string): Promise<SampleRow[]> {
  const [rows] = await conn.query<SampleRow[]>(
    "SELECT * FROM __all_virtual_malloc_sample_info WHERE mod_name = ? " +
      "ORDER BY alloc_bytes DESC LIMIT 10",
    [mod],
  );
  return rows;
}

async function currentCount(conn: Connection, mod: string): Promise<number> {
  const [rows] = await conn.query<RowDataPacket[]>(
    "SELECT CURRENT_COUNT_USED AS n FROM performance_schema.memory_summary_global_by_event_name " +
      "WHERE EVENT_NAME = ?",
    [`memory/mydeno/${mod}`],
  );
  return Number(rows[0]!.n);
}

async function setIntervals(conn: Connection, min: number, max: number): Promise<void> {
  // min may never exceed max, not even in between: widen first.
  await conn.query("SET GLOBAL _max_malloc_sample_interval = 10000");
  await conn.query(`SET GLOBAL _min_malloc_sample_interval = ${min}`);
  await conn.query(`SET GLOBAL _max_malloc_sample_interval = ${max}`);
}

/** Prepare `n` statements on the server and close them again (or not). */
let prepared = 0;

async function prepareMany(conn: Connection, n: number, close: boolean): Promise<void> {
  for (let i = 0; i < n; i++) {
    // Distinct text each time: mysql2 hands out its cached statement for text it prepared before.
    const statement = await conn.prepare(`SELECT ${prepared++} + ? AS v`);
    if (close) statement.close();
  }
  // COM_STMT_CLOSE has no reply: a round trip makes sure the server handled it.
  await conn.query("DO 1");
}

Deno.test({
  name: "memory: variables, tables, a deliberate leak found by label and line, shutdown check",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  await using srv = await startServer({ target: "mydeno", options: ["--memory-leak-exit"] });
  const conn = await connectMysql2(srv);
  try {
    const [vars] = await conn.query<RowDataPacket[]>("SHOW VARIABLES LIKE '%malloc_sample%'");
    assert.deepEqual(vars.map((r) => [r.Variable_name, r.Value]), [
      ["_max_malloc_sample_interval", "256"],
      ["_min_malloc_sample_interval", "16"],
    ]);
    await assertSqlError(conn.query("SET GLOBAL _min_malloc_sample_interval = 'x'"), {
      errno: 1232,
    });
    for (const bad of ["0", "10001"]) {
      await assertSqlError(conn.query(`SET GLOBAL _min_malloc_sample_interval = ${bad}`), {
        errno: 1231,
        sqlState: "42000",
      });
    }
    await assertSqlError(conn.query("SET GLOBAL _min_malloc_sample_interval = 300"), {
      errno: 1231,
      message: "Variable '_min_malloc_sample_interval' can't be set to the value of '300'",
    });
    await assertSqlError(conn.query("SET GLOBAL _max_malloc_sample_interval = 8"), {
      errno: 1231,
    });

    // Each thread's V8 heap: the main thread and this session's worker at least.
    const [heap] = await conn.query<RowDataPacket[]>(
      "SELECT THREAD_ID, THREAD_NAME, USED_HEAP_SIZE, HEAP_SIZE_LIMIT " +
        "FROM information_schema.JS_HEAP_STATISTICS WHERE USED_HEAP_SIZE > 0 ORDER BY THREAD_ID",
    );
    assert.equal(heap[0]!.THREAD_NAME, "main");
    assert.ok(heap.some((r) => /^session-\d+$/.test(r.THREAD_NAME)), JSON.stringify(heap));
    assert.ok(heap.every((r) => Number(r.HEAP_SIZE_LIMIT) > Number(r.USED_HEAP_SIZE)));

    // Off: counted exactly, never sampled.
    await setIntervals(conn, 10000, 10000);
    const before = await currentCount(conn, "prepared_statement");
    await prepareMany(conn, 40, false);
    assert.equal(await currentCount(conn, "prepared_statement"), before + 40);
    assert.deepEqual(await samples(conn, "prepared_statement"), []);

    // Full: every allocation sampled, with the stack of the code that made it.
    await setIntervals(conn, 1, 1);
    const other = await connectMysql2(srv);
    const [idRows] = await other.query<RowDataPacket[]>("SELECT CONNECTION_ID() AS id");
    const id = Number(idRows[0]!.id);
    await prepareMany(other, 5, false);
    // The other session's worker publishes its samples once idle, just after its last reply.
    let rows: SampleRow[] = [];
    await waitUntil("the other session's samples show", async () => {
      rows = await samples(conn, "prepared_statement");
      return rows[0]?.alloc_count === 5;
    });
    assert.equal(rows.length, 1, JSON.stringify(rows));
    const row = rows[0]!;
    assert.equal(row.ctx_name, `connection ${id}`);
    assert.equal(row.alloc_count, 5);
    assert.equal(row.svr_port, srv.port);
    assert.equal(row.tenant_id, 1);
    assert.match(row.back_trace, /^server\/session\/prepared_statement_registry\.ts:\d+:\d+ /);
    // A join of the two tables, like any tables.
    const [joined] = await conn.query<RowDataPacket[]>(
      "SELECT s.mod_name, m.COUNT_ALLOC FROM __all_virtual_malloc_sample_info s " +
        "JOIN performance_schema.memory_summary_global_by_event_name m " +
        "ON m.EVENT_NAME = CONCAT('memory/mydeno/', s.mod_name) WHERE s.mod_name = 'session'",
    );
    assert.ok(joined.length >= 1 && Number(joined[0]!.COUNT_ALLOC) >= 2);
    // Released allocations leave the sample set.
    await other.end();
    await waitUntil(
      "the closed statements leave the sample set",
      async () => (await samples(conn, "prepared_statement")).length === 0,
    );

    // Default: one allocation in 16 to 256 of all this thread's (the replies count too, about
    // four per prepare): about 7 of 1000 statements, some but far from all.
    await setIntervals(conn, 16, 256);
    const third = await connectMysql2(srv);
    await prepareMany(third, 1000, false);
    const sampled = (await samples(conn, "prepared_statement")).reduce(
      (n, r) => n + r.alloc_count,
      0,
    );
    assert.ok(sampled >= 1 && sampled <= 100, `sampled ${sampled} of 1000`);
    await third.end();
    await waitUntil(
      "the closed statements leave the sample set",
      async () => (await samples(conn, "prepared_statement")).length === 0,
    );
    assert.equal(await currentCount(conn, "prepared_statement"), before + 40);

    // A leak on purpose: COM_STMT_CLOSE forgets to release; the sample names the allocator.
    await setIntervals(conn, 1, 1);
    await conn.query("SET GLOBAL debug_leak_memory = ON");
    await prepareMany(conn, 3, true);
    await conn.query("SET GLOBAL debug_leak_memory = OFF");
    rows = await samples(conn, "prepared_statement");
    assert.equal(rows.reduce((n, r) => n + r.alloc_count, 0), 3);
    assert.match(rows[0]!.back_trace, /prepared_statement_registry\.ts:\d+/);
    assert.equal(await currentCount(conn, "prepared_statement"), before + 43);
  } finally {
    await conn.end();
  }
  const status = await srv.stop();
  const log = await srv.logText();
  // --memory-leak-exit: the 3 leaked statements make the exit code 1, reported by label, context
  // and stack (the 40 unsampled ones are released when their session ends).
  assert.equal(status.code, 1, log);
  assert.match(
    log,
    /\[ERROR\].*Memory not released at shutdown: prepared_statement: 3 allocations/,
  );
  assert.match(
    log,
    /Sampled leak: prepared_statement in connection \d+: 3 allocations, \d+ bytes at server\/session\/prepared_statement_registry\.ts:\d+/,
  );
});

Deno.test({
  name: "memory: a clean run shuts down at zero with --memory-leak-exit",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  await using srv = await startServer({ target: "mydeno", options: ["--memory-leak-exit"] });
  const conn = await connectMysql2(srv);
  await conn.query("SET GLOBAL _min_malloc_sample_interval = 1");
  await conn.query("SET GLOBAL _max_malloc_sample_interval = 1");
  await prepareMany(conn, 10, true);
  await prepareMany(conn, 10, false);
  // Without PROCESS an account sees only its own session's samples.
  await conn.query("CREATE USER plain@'%'");
  const plain = await connectMysql2(srv, { user: "plain" });
  const [idRows] = await plain.query<RowDataPacket[]>("SELECT CONNECTION_ID() AS id");
  await prepareMany(plain, 2, false);
  const own = await samples(plain, "prepared_statement");
  assert.deepEqual(own.map((r) => [r.ctx_name, r.alloc_count]), [
    [`connection ${idRows[0]!.id}`, 2],
  ]);
  assert.equal((await samples(conn, "prepared_statement")).length, 2);
  await plain.end();
  await conn.end();
  const status = await srv.stop();
  const log = await srv.logText();
  assert.equal(status.code, 0, log);
  assert.doesNotMatch(log, /Memory not released/);
});
