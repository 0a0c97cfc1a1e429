/**
 * Status counters as MySQL defines them, seen through real clients: Questions, Queries and the
 * Com_* counters per session (SHOW SESSION STATUS) and summed over live and ended sessions
 * (SHOW GLOBAL STATUS, COM_STATISTICS via `mariadb-admin status`); Aborted_connects for a failed
 * login or a client that leaves before it, Aborted_clients for one that leaves without
 * COM_QUIT. The expected deltas are those a MariaDB 10.11 server shows for the same calls.
 */

import assert from "node:assert/strict";
import type { Connection } from "mysql2/promise";
import { connectMysql2 } from "../helpers/mysql2_client.ts";
import { assertClientOk, mariadbArgs, runClient } from "../helpers/run_client.ts";
import { startServer } from "../helpers/server_process.ts";
import { globalStatus, waitUntil } from "./_session_probe.ts";

const WATCHED = [
  "Questions",
  "Queries",
  "Com_admin_commands",
  "Com_select",
  "Com_insert",
  "Com_update",
  "Com_delete",
  "Com_replace",
  "Com_begin",
  "Com_commit",
  "Com_rollback",
  "Com_set_option",
  "Com_show_status",
  "Com_show_processlist",
  "Com_kill",
  "Com_stmt_prepare",
  "Com_stmt_execute",
  "Com_change_db",
  "Com_create_table",
  "Com_drop_table",
  "Com_alter_table",
  "Com_lock_tables",
  "Com_unlock_tables",
  "Com_do",
];

type Counts = Record<string, number>;

async function sessionCounts(conn: Connection): Promise<Counts> {
  const list = WATCHED.map((n) => `'${n}'`).join(", ");
  const [rows] = await conn.query(`SHOW SESSION STATUS WHERE Variable_name IN (${list})`);
  return Object.fromEntries(
    (rows as { Variable_name: string; Value: string }[]).map((r) => [
      r.Variable_name,
      Number(r.Value),
    ]),
  );
}

/** The counters `work` moved, less what the SHOW STATUS that reads them adds. */
async function delta(conn: Connection, work: () => Promise<unknown>): Promise<Counts> {
  const before = await sessionCounts(conn);
  await work();
  const after = await sessionCounts(conn);
  const out: Counts = {};
  for (const name of WATCHED) {
    let d = (after[name] ?? 0) - (before[name] ?? 0);
    if (name === "Questions" || name === "Queries" || name === "Com_show_status") d -= 1;
    if (d !== 0) out[name] = d;
  }
  return out;
}

Deno.test({
  name: "status counters: Questions, Queries and Com_* per session and server-wide",
  sanitizeOps: true,
  sanitizeResources: true,
}, async (t) => {
  await using srv = await startServer();
  const conn = await connectMysql2(srv, { multipleStatements: true });
  try {
    await t.step("every status counter is listed, also in session scope", async () => {
      const [rows] = await conn.query("SHOW STATUS LIKE 'Com\\_%'");
      const names = (rows as { Variable_name: string }[]).map((r) => r.Variable_name);
      for (const n of WATCHED.filter((w) => w.startsWith("Com_"))) assert.ok(names.includes(n), n);
    });

    await t.step("statements count in their Com_* and in Questions / Queries", async () => {
      const steps: [string, () => Promise<unknown>, Counts][] = [
        ["CREATE TABLE", () => conn.query("CREATE DATABASE s; CREATE TABLE s.t (id INT)"), {
          Questions: 2,
          Queries: 2,
          Com_create_table: 1,
        }],
        ["SELECT", () => conn.query("SELECT 1"), { Questions: 1, Queries: 1, Com_select: 1 }],
        [
          "a failing SELECT still counts",
          () => conn.query("SELECT * FROM s.nosuch").catch(() => 0),
          {
            Questions: 1,
            Queries: 1,
            Com_select: 1,
          },
        ],
        ["INSERT", () => conn.query("INSERT INTO s.t VALUES (1)"), {
          Questions: 1,
          Queries: 1,
          Com_insert: 1,
        }],
        [
          "UPDATE, DELETE, REPLACE",
          () => conn.query("UPDATE s.t SET id = 2; DELETE FROM s.t; REPLACE INTO s.t VALUES (3)"),
          {
            Questions: 3,
            Queries: 3,
            Com_update: 1,
            Com_delete: 1,
            Com_replace: 1,
          },
        ],
        [
          "BEGIN, COMMIT, START TRANSACTION, ROLLBACK",
          () => conn.query("BEGIN; COMMIT; START TRANSACTION; ROLLBACK"),
          {
            Questions: 4,
            Queries: 4,
            Com_begin: 2,
            Com_commit: 1,
            Com_rollback: 1,
          },
        ],
        ["USE and SET", () => conn.query("USE s; SET @a = 1"), {
          Questions: 2,
          Queries: 2,
          Com_change_db: 1,
          Com_set_option: 1,
        }],
        ["LOCK / UNLOCK TABLES", () => conn.query("LOCK TABLES s.t READ; UNLOCK TABLES"), {
          Questions: 2,
          Queries: 2,
          Com_lock_tables: 1,
          Com_unlock_tables: 1,
        }],
        ["ALTER, DROP", () => conn.query("ALTER TABLE s.t ADD COLUMN v INT; DROP TABLE s.t"), {
          Questions: 2,
          Queries: 2,
          Com_alter_table: 1,
          Com_drop_table: 1,
        }],
        [
          "SHOW PROCESSLIST, DO, KILL of an unknown id",
          () =>
            conn.query("SHOW PROCESSLIST; DO 1").then(() => conn.query("KILL 999999")).catch(() =>
              0
            ),
          {
            Questions: 3,
            Queries: 3,
            Com_show_processlist: 1,
            Com_do: 1,
            Com_kill: 1,
          },
        ],
        ["COM_PING is an admin command, not a Question", () => conn.ping(), {
          Com_admin_commands: 1,
        }],
        [
          "COM_STMT_PREPARE + EXECUTE: one Question, two Queries",
          () => conn.execute("SELECT 1 + ?", [1]),
          {
            Questions: 1,
            Queries: 2,
            Com_stmt_prepare: 1,
            Com_stmt_execute: 1,
            Com_select: 1,
          },
        ],
      ];
      for (const [what, work, want] of steps) {
        assert.deepEqual(await delta(conn, work), want, what);
      }
    });

    await t.step("global counters sum live and ended sessions", async () => {
      const before = await globalStatus(conn, "Com_select");
      const other = await connectMysql2(srv);
      await other.query("SELECT 1");
      await other.query("SELECT 2");
      assert.equal(await globalStatus(conn, "Com_select"), before + 2);
      await other.end();
      await waitUntil("the other session ends", async () => {
        return (await globalStatus(conn, "Threads_connected")) === 1;
      });
      assert.equal(await globalStatus(conn, "Com_select"), before + 2);
      const [session] = await conn.query("SHOW SESSION STATUS LIKE 'Com_select'");
      const mine = Number((session as { Value: string }[])[0]!.Value);
      assert.ok(mine < before + 2, "session scope shows this session only");
    });

    await t.step("mariadb-admin status (COM_STATISTICS) reports the Questions", async () => {
      const r = await runClient("mariadb-admin", [...mariadbArgs(srv), "status"]);
      assertClientOk(r, "mariadb-admin status");
      const m = r.stdout.match(/Questions: (\d+)/);
      assert.ok(m, r.stdout);
      assert.ok(Number(m[1]) >= (await globalStatus(conn, "Questions")) - 2, r.stdout);
    });

    await t.step("Aborted_connects: a wrong password and a client gone before login", async () => {
      const before = await globalStatus(conn, "Aborted_connects");
      await assert.rejects(connectMysql2(srv, { password: "wrong" }));
      const raw = await Deno.connect({ hostname: srv.host, port: srv.port });
      await raw.read(new Uint8Array(1024));
      raw.close();
      await waitUntil("two aborted connects", async () => {
        return (await globalStatus(conn, "Aborted_connects")) === before + 2;
      });
    });

    await t.step(
      "Aborted_clients: a client gone without COM_QUIT; not after COM_QUIT",
      async () => {
        const before = await globalStatus(conn, "Aborted_clients");
        const quits = await connectMysql2(srv);
        await quits.end();
        const vanishes = await connectMysql2(srv);
        vanishes.destroy();
        await waitUntil("only the vanished client ends aborted", async () => {
          return (await globalStatus(conn, "Threads_connected")) === 1 &&
            (await globalStatus(conn, "Aborted_clients")) === before + 1;
        });
      },
    );
  } finally {
    await conn.end();
  }
});
