/**
 * The process list as clients read it: information_schema.PROCESSLIST (MySQL's columns plus
 * TIME_MS) with WHERE / ORDER BY / joins, SHOW [FULL] PROCESSLIST and `mariadb-admin
 * processlist`, each showing what a session waits for with MySQL's state names ("User sleep",
 * "Waiting for table metadata lock", "User lock"); an account without PROCESS sees only its
 * own sessions.
 */

import assert from "node:assert/strict";
import type { Connection } from "mysql2/promise";
import { connectMysql2 } from "../helpers/mysql2_client.ts";
import { assertClientOk, mariadbArgs, runClient } from "../helpers/run_client.ts";
import { startServer } from "../helpers/server_process.ts";
import { waitUntil } from "./_session_probe.ts";

interface Row {
  ID: number;
  USER: string;
  HOST: string;
  DB: string | null;
  COMMAND: string;
  TIME: number;
  STATE: string;
  INFO: string | null;
  TIME_MS: number;
}

async function processRows(conn: Connection, where = "1"): Promise<Row[]> {
  const [rows] = await conn.query(
    `SELECT * FROM information_schema.PROCESSLIST WHERE ${where} ORDER BY ID`,
  );
  return rows as Row[];
}

/** Wait until session `id` shows `state`. */
async function stateOf(conn: Connection, id: number, state: string): Promise<Row> {
  let row: Row | undefined;
  await waitUntil(`session ${id} in state ${state}`, async () => {
    [row] = await processRows(conn, `ID = ${id}`);
    return row?.STATE === state;
  });
  return row!;
}

Deno.test({
  name: "process list: information_schema.PROCESSLIST, SHOW PROCESSLIST, mariadb-admin",
  sanitizeOps: true,
  sanitizeResources: true,
}, async (t) => {
  await using srv = await startServer();
  const admin = await connectMysql2(srv);
  const others: Connection[] = [];
  const open = async (extra = {}) => {
    const c = await connectMysql2(srv, extra);
    c.on("error", () => {});
    others.push(c);
    return c;
  };
  const pending: Promise<unknown>[] = [];
  const background = (p: Promise<unknown>) => pending.push(p.catch(() => null));
  try {
    await admin.query("CREATE DATABASE p");
    await admin.query("CREATE TABLE p.t (id INT PRIMARY KEY)");
    await admin.query("CREATE USER 'plain'@'%' IDENTIFIED BY 'pw'");
    await admin.query("GRANT SELECT ON p.* TO 'plain'@'%'");

    await t.step("MySQL's columns plus TIME_MS; the reader sees itself running", async () => {
      const [rows, fields] = await admin.query(
        "SELECT * FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()",
      );
      assert.deepEqual(
        (fields as { name: string }[]).map((f) => f.name),
        ["ID", "USER", "HOST", "DB", "COMMAND", "TIME", "STATE", "INFO", "TIME_MS"],
      );
      const me = (rows as Row[])[0]!;
      assert.equal(Number(me.ID), admin.threadId);
      assert.equal(me.USER, "root");
      assert.match(me.HOST, /^localhost:\d+$/);
      assert.equal(me.COMMAND, "Query");
      assert.equal(me.STATE, "executing");
      assert.match(me.INFO ?? "", /information_schema\.PROCESSLIST WHERE ID = CONNECTION_ID/);
      assert.ok(Number(me.TIME_MS) >= 0);
    });

    const idle = await open({ database: "p" });
    const sleeper = await open();
    const holder = await open();
    const ddl = await open();
    const locker = await open();
    const waiter = await open();

    await t.step("each wait shows MySQL's state; an idle session is Sleep", async () => {
      background(sleeper.query("SELECT SLEEP(100)"));
      await holder.query("SELECT GET_LOCK('job', 0)");
      await holder.query("BEGIN");
      await holder.query("SELECT * FROM p.t");
      background(ddl.query("ALTER TABLE p.t ADD COLUMN v INT"));
      background(waiter.query("SELECT GET_LOCK('job', 100)"));
      const s = await stateOf(admin, sleeper.threadId, "User sleep");
      assert.equal(s.COMMAND, "Query");
      assert.equal(s.INFO, "SELECT SLEEP(100)");
      const d = await stateOf(admin, ddl.threadId, "Waiting for table metadata lock");
      assert.equal(d.INFO, "ALTER TABLE p.t ADD COLUMN v INT");
      await stateOf(admin, waiter.threadId, "User lock");
      const [i] = await processRows(admin, `ID = ${idle.threadId}`);
      assert.deepEqual([i!.COMMAND, i!.STATE, i!.INFO, i!.DB], ["Sleep", "", null, "p"]);
    });

    await t.step("WHERE, ORDER BY, GROUP BY and a self-join work on the view", async () => {
      const [rows] = await admin.query(
        "SELECT STATE, COUNT(*) AS n FROM information_schema.PROCESSLIST " +
          "WHERE COMMAND = 'Query' AND ID <> CONNECTION_ID() GROUP BY STATE ORDER BY STATE",
      );
      assert.deepEqual(
        (rows as { STATE: string; n: number }[]).map((r) => [r.STATE, Number(r.n)]),
        [["User lock", 1], ["User sleep", 1], ["Waiting for table metadata lock", 1]],
      );
      const [longest] = await admin.query(
        "SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND = 'Query' " +
          "ORDER BY TIME_MS DESC LIMIT 1",
      );
      assert.equal(Number((longest as { ID: number }[])[0]!.ID), sleeper.threadId);
      const [joined] = await admin.query(
        "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST a " +
          "JOIN information_schema.PROCESSLIST b ON a.ID = b.ID",
      );
      const [all] = await admin.query("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST");
      assert.equal(
        Number((joined as { n: number }[])[0]!.n),
        Number((all as { n: number }[])[0]!.n),
      );
    });

    await t.step("a prepared SELECT on the view sees the list of its execution", async () => {
      const [rows] = await admin.execute(
        "SELECT STATE FROM information_schema.PROCESSLIST WHERE ID = ?",
        [sleeper.threadId],
      );
      assert.deepEqual(rows, [{ STATE: "User sleep" }]);
    });

    await t.step("SHOW PROCESSLIST cuts Info at 100 characters, SHOW FULL does not", async () => {
      const long = `SELECT SLEEP(100) AS ${"x".repeat(120)}`;
      background(locker.query(long));
      await stateOf(admin, locker.threadId, "User sleep");
      const info = async (sql: string) => {
        const [rows] = await admin.query(sql);
        return (rows as { Id: number; Info: string }[]).find((r) =>
          Number(r.Id) === locker.threadId
        )!.Info;
      };
      assert.equal(await info("SHOW PROCESSLIST"), long.slice(0, 100));
      assert.equal(await info("SHOW FULL PROCESSLIST"), long);
    });

    await t.step("mariadb-admin processlist prints every session with its state", async () => {
      const r = await runClient("mariadb-admin", [...mariadbArgs(srv), "processlist"]);
      assertClientOk(r, "mariadb-admin processlist");
      for (const id of [sleeper.threadId, ddl.threadId, waiter.threadId, idle.threadId]) {
        assert.match(r.stdout, new RegExp(`\\| ${id} +\\| root`), r.stdout);
      }
      assert.match(r.stdout, /\| Query +\| \d+ +\| User sleep +\| SELECT SLEEP\(100\)/);
      assert.match(r.stdout, /Waiting for table metadata lock/);
      assert.match(r.stdout, /\| Id +\| User +\| Host +\| db +\| Command +\| Time +\| State/);
    });

    await t.step("without PROCESS an account sees only its own sessions", async () => {
      const plain = await open({ user: "plain", password: "pw" });
      const rows = await processRows(plain);
      assert.deepEqual(rows.map((r) => [Number(r.ID), r.USER]), [[plain.threadId, "plain"]]);
      const [shown] = await plain.query("SHOW PROCESSLIST");
      assert.equal((shown as unknown[]).length, 1);
    });

    await t.step("KILL ends the waits; the list empties of them", async () => {
      for (const c of [sleeper, ddl, waiter, locker]) await admin.query(`KILL ${c.threadId}`);
      await holder.query("COMMIT");
      await waitUntil("the killed sessions leave", async () => {
        const ids = new Set((await processRows(admin)).map((r) => Number(r.ID)));
        return ![sleeper, ddl, waiter, locker].some((c) => ids.has(c.threadId));
      });
    });
  } finally {
    await Promise.all(pending);
    for (const c of others) c.destroy();
    await admin.end();
  }
});
