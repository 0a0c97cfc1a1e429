/**
 * KILL [CONNECTION] id, COM_PROCESS_KILL and `mariadb-admin kill`: the victim gets ERR 1927
 * "Connection was killed" (SQLSTATE 70100) — unsolicited when it was idle, as the answer to
 * its statement when it was busy — and is closed; it leaves the process list and a busy
 * victim's transaction is rolled back. The killer's OK comes after the kill was flagged.
 *
 * The busy victim sleeps with `DO SLEEP(100)`, not `SELECT SLEEP(100)`: a SELECT runs through
 * node:sqlite's `StatementSync.all()`, which in Deno 2.9.6 restarts the statement when a
 * function throws instead of failing it (see the report of this change).
 */

import assert from "node:assert/strict";
import type { Connection } from "mysql2/promise";
import { connectMysql2 } from "../helpers/mysql2_client.ts";
import { type ServerProcess, startServer } from "../helpers/server_process.ts";
import { errOf, RawClient } from "./_raw_client.ts";
import { globalStatus, processIds, waitUntil } from "./_session_probe.ts";

type FatalError = Error & { errno?: number; code?: unknown; fatal?: boolean };

/** A mysql2 connection that records its connection-level errors. */
async function victim(srv: ServerProcess): Promise<{ conn: Connection; errors: FatalError[] }> {
  const conn = await connectMysql2(srv);
  const errors: FatalError[] = [];
  conn.on("error", (e: FatalError) => errors.push(e));
  return { conn, errors };
}

async function gone(admin: Connection, id: number): Promise<void> {
  await waitUntil(`connection ${id} leaves the process list`, async () => {
    return !(await processIds(admin)).has(id);
  });
}

/** Wait until `id` runs a statement (its process-list Command is Query). */
async function busy(admin: Connection, id: number): Promise<void> {
  await waitUntil(`connection ${id} runs its statement`, async () => {
    const [rows] = await admin.query("SHOW PROCESSLIST");
    return (rows as { Id: number; Command: string }[]).some((r) =>
      Number(r.Id) === id && r.Command === "Query"
    );
  });
}

async function mariadbAdminKill(srv: ServerProcess, id: number): Promise<void> {
  const out = await new Deno.Command("mariadb-admin", {
    args: ["--no-defaults", "-h127.0.0.1", `-P${srv.port}`, "-uroot", "kill", String(id)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

Deno.test({
  name: "KILL CONNECTION: idle and busy victims get ERR 1927 and are closed",
  sanitizeOps: true,
  sanitizeResources: true,
}, async (t) => {
  await using srv = await startServer();
  const admin = await connectMysql2(srv);
  try {
    await admin.query("CREATE DATABASE k");
    await admin.query("CREATE TABLE k.t (id INT PRIMARY KEY)");

    await t.step("an idle raw client gets an unsolicited ERR 1927, then EOF", async () => {
      using raw = await RawClient.connect(srv.port);
      assert.equal((await raw.login("root", ""))!.payload[0], 0x00);
      const aborted = await globalStatus(admin, "Aborted_clients");
      await admin.query(`KILL CONNECTION ${raw.connectionId}`);
      const packet = await raw.read();
      assert.ok(packet, "the server closed without ERR 1927");
      assert.equal(packet.seq, 0);
      assert.deepEqual(errOf(packet), { code: 1927, message: "Connection was killed" });
      assert.equal(new TextDecoder().decode(packet.payload.subarray(4, 9)), "70100");
      assert.equal(await raw.read(), null);
      await gone(admin, raw.connectionId);
      assert.ok((await globalStatus(admin, "Aborted_clients")) > aborted);
    });

    await t.step("KILL id of an idle mysql2 client", async () => {
      const v = await victim(srv);
      await admin.query(`KILL ${v.conn.threadId}`);
      await waitUntil("the victim sees the kill", () => v.errors.length > 0);
      assert.equal(v.errors[0]!.message, "Connection was killed");
      assert.equal(v.errors[0]!.fatal, true);
      await gone(admin, v.conn.threadId);
      await assert.rejects(v.conn.query("SELECT 1"));
      v.conn.destroy();
    });

    await t.step(
      "KILL of a busy victim in DO SLEEP(100) rolls back its transaction",
      async () => {
        const v = await victim(srv);
        await v.conn.query("BEGIN");
        await v.conn.query("INSERT INTO k.t VALUES (1)");
        const sleeping = v.conn.query("DO SLEEP(100)").then(
          () => null,
          (e: FatalError) => e,
        );
        await busy(admin, v.conn.threadId);
        await admin.query(`KILL CONNECTION ${v.conn.threadId}`);
        const err = await sleeping;
        assert.ok(err, "SLEEP(100) was not interrupted");
        assert.equal(err.errno, 1927, err.message);
        assert.equal(err.message, "Connection was killed");
        await gone(admin, v.conn.threadId);
        const [rows] = await admin.query("SELECT COUNT(*) AS n FROM k.t");
        assert.equal(Number((rows as { n: number }[])[0]!.n), 0);
        v.conn.destroy();
      },
    );

    await t.step(
      "mariadb-admin kill (COM_PROCESS_KILL) of an idle and a busy session",
      async () => {
        const idle = await victim(srv);
        await mariadbAdminKill(srv, idle.conn.threadId);
        await waitUntil("the idle victim sees the kill", () => idle.errors.length > 0);
        assert.equal(idle.errors[0]!.message, "Connection was killed");
        await gone(admin, idle.conn.threadId);
        idle.conn.destroy();

        const active = await victim(srv);
        const sleeping = active.conn.query("SET @slept = SLEEP(100)").then(
          () => null,
          (e: FatalError) => e,
        );
        await busy(admin, active.conn.threadId);
        await mariadbAdminKill(srv, active.conn.threadId);
        const err = await sleeping;
        assert.equal(err?.errno, 1927, err?.message);
        await gone(admin, active.conn.threadId);
        active.conn.destroy();
      },
    );

    await t.step(
      "a client that vanishes mid-statement: the statement ends, rolled back",
      async () => {
        const aborted = await globalStatus(admin, "Aborted_clients");
        const raw = await RawClient.connect(srv.port);
        try {
          assert.equal((await raw.login("root", ""))!.payload[0], 0x00);
          assert.equal((await raw.query("BEGIN"))!.payload[0], 0x00);
          assert.equal((await raw.query("INSERT INTO k.t VALUES (7)"))!.payload[0], 0x00);
          await raw.send(0, new Uint8Array([0x03, ...new TextEncoder().encode("DO SLEEP(100)")]));
          await busy(admin, raw.connectionId);
        } finally {
          raw[Symbol.dispose]();
        }
        await gone(admin, raw.connectionId);
        assert.ok((await globalStatus(admin, "Aborted_clients")) > aborted);
        const [rows] = await admin.query("SELECT COUNT(*) AS n FROM k.t WHERE id = 7");
        assert.equal(Number((rows as { n: number }[])[0]!.n), 0);
      },
    );

    await t.step("KILL QUERY of an idle session leaves nothing behind", async () => {
      const v = await victim(srv);
      await admin.query(`KILL QUERY ${v.conn.threadId}`);
      const [rows] = await v.conn.query("SELECT 1 AS one");
      assert.equal(Number((rows as { one: number }[])[0]!.one), 1);
      assert.equal(v.errors.length, 0);
      await v.conn.end();
    });

    await t.step("COM_PROCESS_KILL checks the killer's privileges (1095)", async () => {
      await admin.query("CREATE USER 'plain'@'%' IDENTIFIED BY 'pw'");
      await admin.query("CREATE USER 'boss'@'%' IDENTIFIED BY 'pw'");
      await admin.query("GRANT CONNECTION_ADMIN ON *.* TO 'boss'@'%'");
      const comKill = (id: number) => {
        const p = new Uint8Array(5);
        p[0] = 0x0c;
        new DataView(p.buffer).setUint32(1, id, true);
        return p;
      };
      const v = await victim(srv);
      using plain = await RawClient.connect(srv.port);
      assert.equal((await plain.login("plain", "pw"))!.payload[0], 0x00);
      await plain.send(0, comKill(v.conn.threadId));
      assert.deepEqual(errOf(await plain.read()), {
        code: 1095,
        message: `You are not owner of thread ${v.conn.threadId}`,
      });
      using boss = await RawClient.connect(srv.port);
      assert.equal((await boss.login("boss", "pw"))!.payload[0], 0x00);
      await boss.send(0, comKill(v.conn.threadId));
      assert.equal((await boss.read())!.payload[0], 0x00);
      await waitUntil("the victim sees the kill", () => v.errors.length > 0);
      await gone(admin, v.conn.threadId);
      v.conn.destroy();
    });

    await t.step("killing an unknown id is ERR 1094", async () => {
      await assert.rejects(admin.query("KILL 999999"), (e: FatalError) => e.errno === 1094);
    });
  } finally {
    await admin.end();
  }
});
