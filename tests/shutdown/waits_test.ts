/**
 * Shutdown wakes every wait: sessions blocked in GET_LOCK() behind another session's user lock
 * and in a SELECT behind another session's LOCK TABLES ... WRITE get ERR 1053 at once, and the
 * server ends without forcing anyone.
 */

import assert from "node:assert/strict";
import { connectMysql2 } from "../helpers/mysql2_client.ts";
import { startServer } from "../helpers/server_process.ts";
import { assertCleanShutdownLog, assertShutdownSeen, WatchedClient } from "./_shutdown_clients.ts";

Deno.test({
  name: "shutdown: sessions waiting for a user lock or a table lock get ERR 1053",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  await using srv = await startServer({ options: ["--shutdown-timeout=30"] });
  const open = async () => new WatchedClient(await connectMysql2(srv));
  const holder = await open();
  await holder.conn.query("CREATE DATABASE w");
  await holder.conn.query("CREATE TABLE w.t (a INT)");
  await holder.conn.query("SELECT GET_LOCK('k', 0)");
  await holder.conn.query("LOCK TABLES w.t WRITE");
  const userLockWaiter = await open();
  const tableLockWaiter = await open();
  const waits = [
    userLockWaiter.conn.query("SELECT GET_LOCK('k', 60)").catch((e) => userLockWaiter.record(e)),
    tableLockWaiter.conn.query("SELECT * FROM w.t").catch((e) => tableLockWaiter.record(e)),
  ];
  // Both are waiting once the process list says so.
  for (let i = 0; i < 100; i++) {
    const [rows] = await holder.conn.query("SHOW PROCESSLIST");
    const states = (rows as { State: string }[]).map((r) => r.State);
    if (states.includes("User lock") && states.some((s) => /table.*lock/i.test(s))) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const started = performance.now();
  const status = await srv.stop("SIGTERM");
  const elapsed = performance.now() - started;
  await Promise.all(waits);
  await holder.ended();
  for (const c of [holder, userLockWaiter, tableLockWaiter]) c.close();
  assert.equal(status.code, 0);
  assertCleanShutdownLog(await srv.logText(), "SIGTERM");
  assertShutdownSeen(userLockWaiter, "the GET_LOCK waiter", true);
  assertShutdownSeen(tableLockWaiter, "the table lock waiter", true);
  assertShutdownSeen(holder, "the lock holder", true);
  // Far below shutdown_timeout: the waits were woken, not timed out or forced.
  assert.ok(elapsed < 10_000, `shutdown took ${elapsed} ms`);
});
