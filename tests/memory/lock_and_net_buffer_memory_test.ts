/**
 * Lock entries and client packet buffers in the memory tracker, through a real server:
 * performance_schema.memory_summary_global_by_event_name counts `lock_entry` while GET_LOCK
 * locks, LOCK TABLES and a transaction's metadata locks are held and goes back to zero when
 * they are released; `net_buffer` counts each client's read buffer, and a packet the server
 * holds half-read; a clean shutdown with --memory-leak-exit finds nothing left.
 */

import assert from "node:assert/strict";
import type { Connection, RowDataPacket } from "mysql2/promise";
import { connectMysql2 } from "../helpers/mysql2_client.ts";
import { startServer } from "../helpers/server_process.ts";
import { RawClient } from "../server/_raw_client.ts";
import { waitUntil } from "../helpers/wait_until.ts";

async function current(conn: Connection, mod: string): Promise<{ count: number; bytes: number }> {
  const [rows] = await conn.query<RowDataPacket[]>(
    "SELECT CURRENT_COUNT_USED AS n, CURRENT_NUMBER_OF_BYTES_USED AS b " +
      "FROM performance_schema.memory_summary_global_by_event_name WHERE EVENT_NAME = ?",
    [`memory/mydeno/${mod}`],
  );
  return { count: Number(rows[0]!.n), bytes: Number(rows[0]!.b) };
}

Deno.test({
  name: "memory: lock entries tracked while held, zero once released; clean shutdown",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  await using srv = await startServer({ target: "mydeno", options: ["--memory-leak-exit"] });
  const holder = await connectMysql2(srv);
  const watcher = await connectMysql2(srv);
  const locks = async () => (await current(watcher, "lock_entry")).count;
  try {
    await holder.query("CREATE DATABASE d");
    await holder.query("CREATE TABLE d.t1 (id INT PRIMARY KEY)");
    await holder.query("CREATE TABLE d.t2 (id INT PRIMARY KEY)");
    assert.equal(await locks(), 0);

    // GET_LOCK: one entry per acquisition, a lock taken again counts again.
    await holder.query("SELECT GET_LOCK('a', 0), GET_LOCK('a', 0), GET_LOCK('b', 0)");
    assert.deepEqual(await current(watcher, "lock_entry"), { count: 3, bytes: 60 });
    await holder.query("SELECT RELEASE_LOCK('a')");
    assert.equal(await locks(), 2);
    await holder.query("SELECT RELEASE_ALL_LOCKS()");
    assert.equal(await locks(), 0);

    // LOCK TABLES: one metadata lock per table until UNLOCK TABLES.
    await holder.query("LOCK TABLES d.t1 READ, d.t2 WRITE");
    assert.equal(await locks(), 2);
    await holder.query("UNLOCK TABLES");
    assert.equal(await locks(), 0);

    // A transaction keeps the metadata locks of the tables it used until COMMIT.
    await holder.query("BEGIN");
    await holder.query("SELECT * FROM d.t1");
    await holder.query("INSERT INTO d.t2 VALUES (1)");
    assert.equal(await locks(), 2);
    await holder.query("COMMIT");
    assert.equal(await locks(), 0);

    // A session that ends holding locks releases them with its entries.
    await holder.query("SELECT GET_LOCK('c', 0)");
    await holder.query("LOCK TABLES d.t1 WRITE");
    assert.equal(await locks(), 2);
  } finally {
    await holder.end();
  }
  await waitUntil("no lock entry is left", async () => (await locks()) === 0);
  await watcher.end();
  const status = await srv.stop();
  const log = await srv.logText();
  assert.equal(status.code, 0, log);
  assert.doesNotMatch(log, /Memory not released/);
});

Deno.test({
  name: "memory: client read buffers and a half-read packet are tracked as net_buffer",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  await using srv = await startServer({ target: "mydeno", options: ["--memory-leak-exit"] });
  const watcher = await connectMysql2(srv);
  try {
    const alone = await current(watcher, "net_buffer");
    // One 64 KiB read buffer per client connection.
    assert.deepEqual(alone, { count: 1, bytes: 64 * 1024 });
    using raw = await RawClient.connect(srv.port);
    await waitUntil(
      "two net buffers",
      async () => (await current(watcher, "net_buffer")).count === 2,
    );
    const ok = await raw.login("root", "");
    assert.equal(ok?.payload[0], 0x00);

    // Half a COM_QUERY: the header promises 40 bytes, 20 arrive; the framer holds them.
    const query = new TextEncoder().encode("\x03SELECT 'abcdefghijklmnopqrstuvwxyz0123'");
    assert.equal(query.length, 40);
    await raw.write(new Uint8Array([40, 0, 0, 0, ...query.subarray(0, 20)]));
    await waitUntil(
      "three net buffers",
      async () => (await current(watcher, "net_buffer")).count === 3,
    );
    assert.equal((await current(watcher, "net_buffer")).bytes, 2 * 64 * 1024 + 20);
    // The rest: the packet is whole, the held bytes are released.
    await raw.write(query.subarray(20));
    assert.equal((await raw.read())?.payload[0], 1);
    await waitUntil(
      "two net buffers again",
      async () => (await current(watcher, "net_buffer")).count === 2,
    );
  } finally {
    await watcher.end();
  }
  const status = await srv.stop();
  const log = await srv.logText();
  assert.equal(status.code, 0, log);
  assert.doesNotMatch(log, /Memory not released/);
});
