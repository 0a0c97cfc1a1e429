/**
 * The thread cache (Blocked_thread_manager): a session's worker is parked when the client
 * leaves and serves the next connection, so sequential connect / disconnect creates no new
 * threads; a reused worker starts each session clean; thread_cache_size is dynamic.
 */

import assert from "node:assert/strict";
import type { Connection } from "mysql2/promise";
import { connectMysql2 } from "../helpers/mysql2_client.ts";
import { startServer } from "../helpers/server_process.ts";

async function status(conn: Connection, name: string): Promise<number> {
  const [rows] = await conn.query(`SHOW GLOBAL STATUS LIKE '${name}'`);
  return Number((rows as { Value: string }[])[0]?.Value);
}

Deno.test({
  name: "thread cache: workers are reused across connections",
  sanitizeOps: true,
  sanitizeResources: true,
}, async (t) => {
  await using srv = await startServer();
  const admin = await connectMysql2(srv);
  try {
    await t.step("sequential connect / disconnect keeps Threads_created flat", async () => {
      const warm = await connectMysql2(srv);
      await warm.end();
      const before = await status(admin, "Threads_created");
      for (let i = 0; i < 20; i++) {
        const c = await connectMysql2(srv);
        await c.query("SELECT 1");
        await c.end();
      }
      // The last client's worker may still be on its way back to the cache; allow that one.
      assert.ok((await status(admin, "Threads_created")) <= before + 1);
      assert.ok((await status(admin, "Threads_cached")) >= 1);
    });

    await t.step("a reused worker starts the session clean", async () => {
      const first = await connectMysql2(srv);
      await first.query("CREATE DATABASE IF NOT EXISTS tc");
      await first.query("SET @leftover = 42");
      await first.query("CREATE TEMPORARY TABLE tc.tmp_left (x INT)");
      await first.end();
      const second = await connectMysql2(srv);
      try {
        const [rows] = await second.query("SELECT @leftover AS v");
        assert.equal((rows as { v: unknown }[])[0]?.v, null);
        assert.equal((rows as { v: unknown }[]).length, 1);
        await second.query("CREATE TEMPORARY TABLE tc.tmp_left (x INT)");
      } finally {
        await second.end();
      }
    });

    await t.step("SET GLOBAL thread_cache_size = 0 stops parking", async () => {
      await admin.query("SET GLOBAL thread_cache_size = 0");
      const c = await connectMysql2(srv);
      await c.end();
      // Give the released worker a moment to exit rather than park.
      for (let i = 0; i < 50 && (await status(admin, "Threads_cached")) !== 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(await status(admin, "Threads_cached"), 0);
      await admin.query("SET GLOBAL thread_cache_size = 9");
    });
  } finally {
    await admin.end();
  }
});
