/**
 * MySQL's connection timeouts, enforced by the main thread that owns the sockets:
 * connect_timeout (handshake), wait_timeout / interactive_timeout (idle, ERR 4031),
 * net_read_timeout (a half-read packet, ERR 1159) and net_write_timeout (a client that stops
 * reading a large result: closed, its transaction rolled back). Each is a session variable the
 * client SETs; the outcomes are checked with generous bounded waits.
 */

import assert from "node:assert/strict";
import type { Connection } from "mysql2/promise";
import { connectMysql2 } from "../helpers/mysql2_client.ts";
import { type ServerProcess, startServer } from "../helpers/server_process.ts";
import { errOf, RawClient, type RawPacket } from "./_raw_client.ts";
import { globalStatus, processIds, waitUntil } from "./_session_probe.ts";

const CLIENT_INTERACTIVE = 0x400;
const INACTIVITY = "The client was disconnected by the server because of inactivity. " +
  "See wait_timeout and interactive_timeout for configuring this behavior.";

/** The SQLSTATE of an ERR packet (after the '#' marker). */
function sqlStateOf(packet: RawPacket): string {
  return new TextDecoder().decode(packet.payload.subarray(4, 9));
}

async function loggedIn(srv: ServerProcess, interactive = false): Promise<RawClient> {
  const raw = await RawClient.connect(srv.port);
  if (interactive) raw.extraCapabilities = CLIENT_INTERACTIVE;
  assert.equal((await raw.login("root", ""))!.payload[0], 0x00);
  return raw;
}

/** The log line MySQL writes for an aborted connection (ER_ABORTING_USER_CONNECTION). */
async function assertAbortedLogged(srv: ServerProcess, id: number, why: string): Promise<void> {
  const line = new RegExp(
    `Aborted connection ${id} to db: '[^']*' user: 'root' host: '[^']+' \\(${why}\\)\\.`,
  );
  await waitUntil(`log line for connection ${id}`, async () => line.test(await srv.logText()));
}

Deno.test({
  name: "timeouts: wait_timeout, interactive_timeout, net_read_timeout, connect_timeout",
  sanitizeOps: true,
  sanitizeResources: true,
}, async (t) => {
  await using srv = await startServer();
  const admin = await connectMysql2(srv);
  try {
    await t.step("wait_timeout: an idle client gets ERR 4031 (sequence 0), then EOF", async () => {
      const aborted = await globalStatus(admin, "Aborted_clients");
      using raw = await loggedIn(srv);
      assert.equal((await raw.query("SET SESSION wait_timeout = 1"))!.payload[0], 0x00);
      const packet = await raw.read();
      assert.ok(packet, "the server closed without ERR 4031");
      assert.equal(packet.seq, 0);
      assert.deepEqual(errOf(packet), { code: 4031, message: INACTIVITY });
      assert.equal(sqlStateOf(packet), "HY000");
      assert.equal(await raw.read(), null);
      await waitUntil("the session leaves the process list", async () => {
        return !(await processIds(admin)).has(raw.connectionId);
      });
      assert.ok((await globalStatus(admin, "Aborted_clients")) > aborted);
      await assertAbortedLogged(srv, raw.connectionId, "Got timeout reading communication packets");
    });

    await t.step(
      "wait_timeout with mysql2: the connection errors and Threads_connected drops",
      async () => {
        const connected = await globalStatus(admin, "Threads_connected");
        const idle = await connectMysql2(srv);
        const errors: (Error & { code?: unknown })[] = [];
        idle.on("error", (e) => errors.push(e));
        await idle.query("SET SESSION wait_timeout = 1");
        await waitUntil("mysql2 reports the timeout", () => errors.length > 0);
        // mysql2 reports an unsolicited ERR as a fatal error whose code is the error number.
        assert.equal(errors[0]!.code, 4031);
        assert.equal(errors[0]!.message, INACTIVITY);
        await waitUntil("Threads_connected drops", async () => {
          return (await globalStatus(admin, "Threads_connected")) === connected;
        });
        idle.destroy();
      },
    );

    await t.step("interactive_timeout applies to a CLIENT_INTERACTIVE client only", async () => {
      await admin.query("SET GLOBAL interactive_timeout = 2");
      let interactive: Connection | null = null;
      let plain: Connection | null = null;
      try {
        interactive = await connectMysql2(srv, { flags: ["INTERACTIVE"] });
        const errors: (Error & { code?: unknown })[] = [];
        interactive.on("error", (e) => errors.push(e));
        plain = await connectMysql2(srv);
        const [i] = await interactive.query("SELECT @@wait_timeout AS w");
        assert.equal(Number((i as { w: number }[])[0]!.w), 2);
        const [p] = await plain.query("SELECT @@wait_timeout AS w, @@interactive_timeout AS i");
        assert.deepEqual((p as { w: number; i: number }[]).map((r) => [+r.w, +r.i]), [[28800, 2]]);
        await waitUntil("the interactive client times out", () => errors.length > 0);
        assert.equal(errors[0]!.code, 4031);
        await plain.query("SELECT 1");
      } finally {
        await admin.query("SET GLOBAL interactive_timeout = 28800");
        interactive?.destroy();
        await plain?.end();
      }
    });

    await t.step("interactive_timeout over a raw socket: ERR 4031", async () => {
      await admin.query("SET GLOBAL interactive_timeout = 1");
      try {
        using raw = await loggedIn(srv, true);
        assert.equal(errOf(await raw.read()).code, 4031);
        assert.equal(await raw.read(), null);
      } finally {
        await admin.query("SET GLOBAL interactive_timeout = 28800");
      }
    });

    await t.step("net_read_timeout: a half-sent packet gets ERR 1159, then EOF", async () => {
      const aborted = await globalStatus(admin, "Aborted_clients");
      using raw = await loggedIn(srv);
      assert.equal((await raw.query("SET SESSION net_read_timeout = 1"))!.payload[0], 0x00);
      // A COM_QUERY header announcing 100 bytes, then only 10 of them.
      await raw.write(
        new Uint8Array([100, 0, 0, 0, 0x03, ...new TextEncoder().encode("SELECT 1 ")]),
      );
      const packet = await raw.read();
      assert.ok(packet, "the server closed without ERR 1159");
      assert.deepEqual(errOf(packet), {
        code: 1159,
        message: "Got timeout reading communication packets",
      });
      assert.equal(sqlStateOf(packet), "08S01");
      assert.equal(await raw.read(), null);
      await waitUntil("Aborted_clients grows", async () => {
        return (await globalStatus(admin, "Aborted_clients")) > aborted;
      });
      await assertAbortedLogged(srv, raw.connectionId, "Got timeout reading communication packets");
    });

    await t.step(
      "connect_timeout: a client that never answers the greeting is dropped",
      async () => {
        await admin.query("SET GLOBAL connect_timeout = 2");
        try {
          const aborted = await globalStatus(admin, "Aborted_connects");
          using raw = await RawClient.connect(srv.port);
          assert.equal(await raw.read(), null);
          await waitUntil("Aborted_connects grows", async () => {
            return (await globalStatus(admin, "Aborted_connects")) > aborted;
          });
        } finally {
          await admin.query("SET GLOBAL connect_timeout = 10");
        }
      },
    );

    await t.step("the timeouts are session variables with MySQL's defaults", async () => {
      const [rows] = await admin.query(
        "SELECT @@session.wait_timeout AS w, @@session.interactive_timeout AS i, " +
          "@@session.net_read_timeout AS r, @@session.net_write_timeout AS wr, " +
          "@@global.connect_timeout AS c",
      );
      const r = (rows as Record<string, number>[])[0]!;
      assert.deepEqual([+r.w!, +r.i!, +r.r!, +r.wr!, +r.c!], [28800, 28800, 30, 60, 10]);
    });
  } finally {
    await admin.end();
  }
});
