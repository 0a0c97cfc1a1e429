/**
 * A client that vanishes while its statement waits (MySQL WL#14167, "no DoS"), through the real
 * server: in a metadata-lock wait, a LOCK TABLES wait and a long scan, its session leaves the
 * process list, its transaction is rolled back and its locks are released, so another client
 * can go on; and 500 raw clients dropped in the middle of SELECT SLEEP(1000) leave
 * Threads_connected where it was and new connections working. The bounds here are generous
 * (outcomes, not latency): the time from disconnect to removal is measured by
 * tests/bench/lifecycle_bench.ts.
 */

import assert from "node:assert/strict";
import type { Connection } from "mysql2/promise";
import { connectMysql2 } from "../helpers/mysql2_client.ts";
import { type ServerProcess, startServer } from "../helpers/server_process.ts";
import { RawClient } from "./_raw_client.ts";
import { globalStatus, processIds, waitUntil } from "./_session_probe.ts";

/** A logged-in raw client; its socket is closed by `[Symbol.dispose]`. */
async function rawSession(srv: ServerProcess): Promise<RawClient> {
  const raw = await RawClient.connect(srv.port);
  const ok = await raw.login("root", "");
  assert.equal(ok?.payload[0], 0x00, "login failed");
  return raw;
}

async function ok(raw: RawClient, sql: string): Promise<void> {
  const reply = await raw.query(sql);
  assert.ok(reply && reply.payload[0] !== 0xff, `${sql} failed`);
  // A result set ends in an OK / EOF packet; drain until then.
  if (reply.payload[0] !== 0x00) { while ((await raw.read())?.payload[0] !== 0xfe); }
}

/** Send `sql` without reading its reply (the statement waits or runs long). */
async function start(raw: RawClient, sql: string): Promise<void> {
  await raw.send(0, new Uint8Array([0x03, ...new TextEncoder().encode(sql)]));
}

async function stateOf(admin: Connection, id: number): Promise<string | null> {
  const [rows] = await admin.query(
    "SELECT STATE FROM information_schema.PROCESSLIST WHERE ID = ?",
    [id],
  );
  return (rows as { STATE: string }[])[0]?.STATE ?? null;
}

async function waitForState(admin: Connection, id: number, state: RegExp): Promise<void> {
  await waitUntil(
    `session ${id} in ${state}`,
    async () => state.test(await stateOf(admin, id) ?? ""),
  );
}

async function gone(admin: Connection, id: number): Promise<void> {
  await waitUntil(`session ${id} leaves the process list`, async () => {
    return !(await processIds(admin)).has(id);
  });
}

async function count(conn: Connection, sql: string): Promise<number> {
  const [rows] = await conn.query(sql);
  return Number(Object.values((rows as Record<string, unknown>[])[0]!)[0]);
}

Deno.test({
  name: "a client that vanishes in a wait: its session ends and frees what it held",
  sanitizeOps: true,
  sanitizeResources: true,
}, async (t) => {
  await using srv = await startServer();
  const admin = await connectMysql2(srv);
  const other = await connectMysql2(srv);
  try {
    await admin.query("CREATE DATABASE v");
    await admin.query("CREATE TABLE v.t (id INT PRIMARY KEY)");
    await admin.query("CREATE TABLE v.held (id INT PRIMARY KEY)");

    await t.step("in a metadata-lock wait: DDL behind an open transaction", async () => {
      const aborted = await globalStatus(admin, "Aborted_clients");
      await other.query("BEGIN");
      await other.query("SELECT * FROM v.t");
      const victim = await rawSession(srv);
      const id = victim.connectionId;
      try {
        await ok(victim, "SELECT GET_LOCK('ddl-victim', 0)");
        await start(victim, "ALTER TABLE v.t ADD COLUMN w INT");
        await waitForState(admin, id, /^Waiting for table metadata lock$/);
      } finally {
        victim[Symbol.dispose]();
      }
      await gone(admin, id);
      assert.ok((await globalStatus(admin, "Aborted_clients")) > aborted);
      assert.equal(await count(admin, "SELECT IS_FREE_LOCK('ddl-victim')"), 1);
      await other.query("COMMIT");
      // The ALTER it waited for never ran, and its pending request blocks no one.
      await admin.query("ALTER TABLE v.t ADD COLUMN z INT");
      await admin.query("ALTER TABLE v.t DROP COLUMN z");
      const columns = "SELECT COUNT(*) FROM information_schema.COLUMNS " +
        "WHERE TABLE_SCHEMA = 'v' AND TABLE_NAME = 't'";
      assert.equal(await count(admin, columns), 1);
    });

    await t.step("in a metadata-lock wait behind LOCK TABLES, inside a transaction", async () => {
      await other.query("LOCK TABLES v.t WRITE");
      const victim = await rawSession(srv);
      const id = victim.connectionId;
      try {
        // The victim holds a row and a metadata lock of its own, then waits.
        await ok(victim, "BEGIN");
        await ok(victim, "INSERT INTO v.held VALUES (1)");
        await start(victim, "SELECT * FROM v.t");
        await waitForState(admin, id, /^Waiting for table metadata lock$/);
      } finally {
        victim[Symbol.dispose]();
      }
      await gone(admin, id);
      await other.query("UNLOCK TABLES");
      // Its row is rolled back and its lock on v.held is gone: DDL on it goes through.
      assert.equal(await count(admin, "SELECT COUNT(*) FROM v.held"), 0);
      await admin.query("ALTER TABLE v.held ADD COLUMN x INT");
    });

    await t.step("in a LOCK TABLES wait", async () => {
      await other.query("LOCK TABLES v.t WRITE");
      const victim = await rawSession(srv);
      const id = victim.connectionId;
      try {
        await ok(victim, "SELECT GET_LOCK('victim', 0)");
        await start(victim, "LOCK TABLES v.t READ");
        // MySQL 8.0 and MariaDB show an MDL wait here; "table level lock" is thr_lock's name.
        await waitForState(admin, id, /^Waiting for table (metadata|level) lock$/);
      } finally {
        victim[Symbol.dispose]();
      }
      await gone(admin, id);
      await other.query("UNLOCK TABLES");
      // Nothing of the victim's is left: its user lock is free, the table lockable.
      assert.equal(await count(admin, "SELECT IS_FREE_LOCK('victim')"), 1);
      await admin.query("LOCK TABLES v.t WRITE");
      await admin.query("UNLOCK TABLES");
    });

    await t.step("waiting for the store's write lock", async () => {
      // Another table, so no metadata lock is in the way: only SQLite's one writer.
      await other.query("BEGIN");
      await other.query("INSERT INTO v.t VALUES (5)");
      const victim = await rawSession(srv);
      const id = victim.connectionId;
      try {
        await start(victim, "INSERT INTO v.held (id) VALUES (5)");
        await waitUntil("the victim waits for the writer", async () => {
          const [rows] = await admin.query(
            "SELECT COMMAND, TIME_MS FROM information_schema.PROCESSLIST WHERE ID = ?",
            [id],
          );
          const r = (rows as { COMMAND: string; TIME_MS: number }[])[0];
          return r?.COMMAND === "Query" && Number(r.TIME_MS) > 300;
        });
      } finally {
        victim[Symbol.dispose]();
      }
      await gone(admin, id);
      await other.query("COMMIT");
      assert.equal(await count(admin, "SELECT COUNT(*) FROM v.held WHERE id = 5"), 0);
      await admin.query("INSERT INTO v.held (id) VALUES (6)");
      await admin.query("DELETE FROM v.t");
    });

    await t.step("in a long scan holding the store's write lock", async () => {
      const victim = await rawSession(srv);
      const id = victim.connectionId;
      try {
        await ok(victim, "BEGIN");
        await ok(victim, "INSERT INTO v.t VALUES (7)");
        await start(
          victim,
          "WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000000000) " +
            "SELECT COUNT(*) FROM c",
        );
        await waitForState(admin, id, /^executing$/);
      } finally {
        victim[Symbol.dispose]();
      }
      await gone(admin, id);
      // Rolled back, and the write lock is free for the next writer.
      assert.equal(await count(admin, "SELECT COUNT(*) FROM v.t WHERE id = 7"), 0);
      await other.query("INSERT INTO v.t VALUES (8)");
      assert.equal(await count(admin, "SELECT COUNT(*) FROM v.t"), 1);
    });
  } finally {
    await other.end();
    await admin.end();
  }
});

Deno.test({
  name: "500 clients dropped in the middle of SELECT SLEEP(1000): nothing is left behind",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const CLIENTS = 500;
  await using srv = await startServer({
    options: ["--max-connections=600", "--thread-cache-size=16", "--connect-timeout=300"],
    lifetimeMs: 600_000,
  });
  const admin = await connectMysql2(srv, { connectTimeout: 120_000 });
  try {
    const before = await globalStatus(admin, "Threads_connected");
    const clients: RawClient[] = [];
    try {
      // Log in a few at a time: each connection starts a session worker, which on a loaded
      // machine can take longer than the default connect_timeout.
      for (let i = 0; i < CLIENTS; i += 25) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(25, CLIENTS - i) }, () => rawSession(srv)),
        );
        for (const raw of batch) await start(raw, "SELECT SLEEP(1000)");
        clients.push(...batch);
      }
      await waitUntil(`${CLIENTS} sessions sleep`, async () => {
        const [rows] = await admin.query(
          "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE STATE = 'User sleep'",
        );
        return Number((rows as { n: number }[])[0]!.n) === CLIENTS;
      }, 120_000);
    } finally {
      for (const raw of clients) raw[Symbol.dispose]();
    }
    await waitUntil("every dropped session ends", async () => {
      return (await globalStatus(admin, "Threads_connected")) === before;
    }, 120_000);
    assert.equal(await globalStatus(admin, "Threads_running"), 1);
    // New connections work (one after another: on a loaded machine each may need a new
    // worker, and 20 at once could outlast a client's connect timeout).
    for (let i = 0; i < 20; i++) {
      const c = await connectMysql2(srv, { connectTimeout: 120_000 });
      const [rows] = await c.query("SELECT SLEEP(0) AS s, 1 AS one");
      assert.deepEqual(rows, [{ s: 0, one: 1 }]);
      await c.end();
    }
  } finally {
    await admin.end();
  }
});
