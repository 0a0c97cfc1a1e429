/**
 * The server end to end over TCP: handshake and authentication, commands, prepared statements,
 * multi-statements, and the connection-level failures (unknown command, malformed frame,
 * oversized packet), with npm mysql2 and a raw socket where a library cannot send the bytes.
 */

import assert from "node:assert/strict";
import mysql from "mysql2/promise";
import { assertSqlError, connectMysql2 } from "../helpers/mysql2_client.ts";
import { startServer } from "../helpers/server_process.ts";
import { errOf, RawClient } from "./_raw_client.ts";

const COM_QUERY = 0x03;
const COM_PING = 0x0e;
const MAX_ALLOWED_PACKET = 1024 * 1024;

function query(text: string): Uint8Array {
  return new Uint8Array([COM_QUERY, ...new TextEncoder().encode(text)]);
}

Deno.test({
  name: "server: protocol end to end",
  sanitizeOps: true,
  sanitizeResources: true,
}, async (t) => {
  await using srv = await startServer({ options: [`--max-allowed-packet=${MAX_ALLOWED_PACKET}`] });

  await t.step("handshake, query and ping with mysql2", async () => {
    const conn = await connectMysql2(srv);
    try {
      const [rows] = await conn.query("SELECT 1 + 1 AS two, VERSION() AS v, CONNECTION_ID() AS id");
      const row = (rows as Record<string, unknown>[])[0]!;
      assert.equal(Number(row.two), 2);
      assert.match(String(row.v), /^8\.0\.36-mydeno-/);
      assert.equal(Number(row.id), conn.threadId);
      await conn.ping();
    } finally {
      await conn.end();
    }
  });

  await t.step("wrong password and unknown database are refused", async () => {
    await assertSqlError(connectMysql2(srv, { password: "wrong" }), {
      errno: 1045,
      sqlState: "28000",
      message: "Access denied for user 'root'@'localhost' (using password: YES)",
    });
    await assertSqlError(connectMysql2(srv, { user: "nobody" }), {
      errno: 1045,
      message: "Access denied for user 'nobody'@'localhost' (using password: NO)",
    });
    await assertSqlError(connectMysql2(srv, { database: "no_such_db" }), { errno: 1049 });
  });

  await t.step("a user with a password logs in with both plugins", async () => {
    const root = await connectMysql2(srv);
    try {
      await root.query("CREATE USER 'pw'@'localhost' IDENTIFIED BY 'secret'");
    } finally {
      await root.end();
    }
    const conn = await connectMysql2(srv, { user: "pw", password: "secret" });
    const [rows] = await conn.query("SELECT CURRENT_USER() AS u");
    assert.equal((rows as { u: string }[])[0]!.u, "pw@localhost");
    await conn.end();
    // caching_sha2_password fast path: AuthMoreData 0x03, then OK.
    using raw = await RawClient.connect(srv.port);
    const more = await raw.login("pw", "secret", "caching_sha2_password");
    assert.deepEqual([...more!.payload], [0x01, 0x03]);
    assert.equal((await raw.read())!.payload[0], 0x00);
    using bad = await RawClient.connect(srv.port);
    assert.equal(errOf(await bad.login("pw", "nope", "caching_sha2_password")).code, 1045);
  });

  await t.step("prepared statements execute with the binary protocol", async () => {
    const conn = await connectMysql2(srv);
    try {
      await conn.query("CREATE DATABASE IF NOT EXISTS srv_t");
      await conn.query("CREATE TABLE srv_t.t (id INT PRIMARY KEY, name VARCHAR(20), price DOUBLE)");
      await conn.execute("INSERT INTO srv_t.t VALUES (?, ?, ?)", [1, "apple", 1.5]);
      await conn.execute("INSERT INTO srv_t.t VALUES (?, ?, ?)", [2, "pear", null]);
      const [rows] = await conn.execute(
        "SELECT id, name, price FROM srv_t.t WHERE id >= ? ORDER BY id",
        [1],
      );
      assert.deepEqual(rows, [
        { id: 1, name: "apple", price: 1.5 },
        { id: 2, name: "pear", price: null },
      ]);
    } finally {
      await conn.end();
    }
  });

  await t.step("multi-statements return every result and stop at the first error", async () => {
    const conn = await connectMysql2(srv, { multipleStatements: true });
    try {
      const [results] = await conn.query("SELECT 1 AS a; SELECT 2 AS b; DO 0");
      const list = results as unknown[];
      assert.equal(list.length, 3);
      assert.deepEqual(list[0], [{ a: 1 }]);
      assert.deepEqual(list[1], [{ b: 2 }]);
      await assertSqlError(conn.query("SELECT 1; SELECT * FROM no_such_table; SELECT 3"), {
        errno: 1046,
      });
      const [after] = await conn.query("SELECT 4 AS d");
      assert.deepEqual(after, [{ d: 4 }]);
    } finally {
      await conn.end();
    }
  });

  await t.step("an unknown command gets ERR 1047 and the connection stays", async () => {
    using raw = await RawClient.connect(srv.port);
    assert.equal((await raw.login("root", ""))!.payload[0], 0x00);
    await raw.send(0, new Uint8Array([0x63]));
    const err = errOf(await raw.read());
    assert.deepEqual(err, { code: 1047, message: "Unknown command" });
    await raw.send(0, new Uint8Array([COM_PING]));
    assert.equal((await raw.read())!.payload[0], 0x00);
  });

  await t.step("a malformed frame closes only that connection", async () => {
    const other = await connectMysql2(srv);
    try {
      // A 16 MiB frame must fit in max_allowed_packet for the framer to reach its successor;
      // SET GLOBAL reaches the new session through the main thread's broadcast.
      await other.query("SET GLOBAL max_allowed_packet = 33554432");
      using raw = await RawClient.connect(srv.port);
      await raw.login("root", "");
      // A 16 MiB frame needs a continuation with the next sequence id; send a wrong one.
      const frame = new Uint8Array(4 + 0xffffff);
      frame.set([0xff, 0xff, 0xff, 0, COM_QUERY]);
      await raw.write(frame);
      await raw.write(new Uint8Array([1, 0, 0, 7, 0x20]));
      assert.equal(await raw.read(), null);
      const [rows] = await other.query("SELECT 5 AS e");
      assert.deepEqual(rows, [{ e: 5 }]);
    } finally {
      await other.query(`SET GLOBAL max_allowed_packet = ${MAX_ALLOWED_PACKET}`);
      await other.end();
    }
  });

  await t.step(
    "a packet over max_allowed_packet gets ERR 1153, then the connection closes",
    async () => {
      using raw = await RawClient.connect(srv.port);
      await raw.login("root", "");
      await raw.send(0, query(`SELECT '${"x".repeat(MAX_ALLOWED_PACKET + 10)}'`));
      const err = errOf(await raw.read());
      assert.deepEqual(err, {
        code: 1153,
        message: "Got a packet bigger than 'max_allowed_packet' bytes",
      });
      assert.equal(await raw.read(), null);
    },
  );

  await t.step("KILL closes another connection", async () => {
    const victim = await connectMysql2(srv);
    const killer = await connectMysql2(srv);
    try {
      await killer.query(`KILL ${victim.threadId}`);
      await assert.rejects(victim.query("SELECT 1"));
    } finally {
      victim.destroy();
      await killer.end();
    }
  });

  await t.step("clients that disconnect leave no ERROR in the log", async () => {
    const conn = await mysql.createConnection({ host: srv.host, port: srv.port, user: "root" });
    conn.destroy();
    const log = await srv.logText();
    assert.doesNotMatch(log, /\[ERROR\]/);
  });
});
