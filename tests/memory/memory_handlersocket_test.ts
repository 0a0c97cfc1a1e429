/**
 * HandlerSocket's resources in the memory tracker: its worker threads, each client connection
 * (main thread) and each open index (in the worker thread, whose counters the main thread
 * reads from shared memory), released when the client goes away and at shutdown; the worker's
 * V8 heap profile in information_schema.JS_HEAP_SAMPLES.
 */

import assert from "node:assert/strict";
import type { Connection, RowDataPacket } from "mysql2/promise";
import { connectMysql2 } from "../helpers/mysql2_client.ts";
import { freePort, startServer } from "../helpers/server_process.ts";
import { HsClient } from "../handlersocket/_hs_client.ts";
import { waitUntil } from "../helpers/wait_until.ts";

async function current(sql: Connection): Promise<Record<string, number>> {
  const [rows] = await sql.query<RowDataPacket[]>(
    "SELECT SUBSTRING(EVENT_NAME, 15) AS m, CURRENT_COUNT_USED AS n " +
      "FROM performance_schema.memory_summary_global_by_event_name " +
      "WHERE EVENT_NAME LIKE 'memory/mydeno/hs%' OR EVENT_NAME = 'memory/mydeno/worker_thread'",
  );
  return Object.fromEntries(rows.map((r) => [r.m, Number(r.n)]));
}

Deno.test({
  name: "memory: HandlerSocket connections and open indexes are tracked and released",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const rd = freePort();
  // mydeno's own tables: not for MYDENO_TEST_TARGET=mariadb.
  await using srv = await startServer({
    target: "mydeno",
    options: [
      "--memory-leak-exit",
      "--loose-plugin-load-add=handlersocket.so",
      `--loose-handlersocket-port=${rd}`,
      "--loose-handlersocket-threads=1",
    ],
  });
  const sql = await connectMysql2(srv);
  try {
    await sql.query("CREATE DATABASE d");
    await sql.query("CREATE TABLE d.t (id INT PRIMARY KEY, v INT)");
    const idle = await current(sql);
    // One HandlerSocket worker and one session worker at least.
    assert.ok(idle.worker_thread! >= 2, JSON.stringify(idle));
    assert.equal(idle.hs_connection, 0);
    {
      using hs = await HsClient.connect(rd);
      assert.deepEqual(
        await hs.ask(
          "P\t1\td\tt\tPRIMARY\tid,v",
          "P\t2\td\tt\tPRIMARY\tv",
          "P\t1\td\tt\tPRIMARY\tv",
        ),
        ["0\t1", "0\t1", "0\t1"],
      );
      await waitUntil("the HandlerSocket allocations show", async () => {
        const now = await current(sql);
        return now.hs_connection === 1 && now.hs_index === 2;
      });
    }
    await waitUntil("the HandlerSocket allocations are released", async () => {
      const now = await current(sql);
      return now.hs_connection === 0 && now.hs_index === 0;
    });
    // The idle HandlerSocket worker publishes its live JS allocations when asked.
    await waitUntil("the HandlerSocket worker heap samples show", async () => {
      const [rows] = await sql.query<RowDataPacket[]>(
        "SELECT COUNT(*) AS n FROM information_schema.JS_HEAP_SAMPLES " +
          "WHERE THREAD_NAME LIKE 'handlersocket-%' AND ALLOC_BYTES > 0",
      );
      return Number(rows[0]!.n) > 0;
    });
  } finally {
    await sql.end();
  }
  const status = await srv.stop();
  assert.equal(status.code, 0, await srv.logText());
});
