/**
 * net_write_timeout: a client that sends a query for a 50 MB result and never reads it. The
 * server must not hang on either side: the main thread holds only a bounded part of the result
 * (backpressure on the worker's ring), the stuck write times out, the connection closes, the
 * worker abandons the statement and rolls back the client's open transaction, Aborted_clients
 * counts it and the error log has MySQL's line. New clients keep working.
 */

import assert from "node:assert/strict";
import { connectMysql2 } from "../helpers/mysql2_client.ts";
import { startServer } from "../helpers/server_process.ts";
import { RawClient } from "./_raw_client.ts";
import { globalStatus, processIds, waitUntil } from "./_session_probe.ts";

const ROWS = 50;

Deno.test({
  name: "net_write_timeout: a client that stops reading a 50 MB result is dropped",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  await using srv = await startServer();
  const admin = await connectMysql2(srv);
  try {
    await admin.query("CREATE DATABASE w");
    await admin.query("CREATE TABLE w.seq (id INT PRIMARY KEY)");
    await admin.query("CREATE TABLE w.written (id INT PRIMARY KEY)");
    const ids = Array.from({ length: ROWS }, (_, i) => `(${i + 1})`).join(",");
    await admin.query(`INSERT INTO w.seq VALUES ${ids}`);
    const aborted = await globalStatus(admin, "Aborted_clients");

    using raw = await RawClient.connect(srv.port);
    assert.equal((await raw.login("root", ""))!.payload[0], 0x00);
    for (const sql of ["SET net_write_timeout = 1", "BEGIN", "INSERT INTO w.written VALUES (1)"]) {
      assert.equal((await raw.query(sql))!.payload[0], 0x00, sql);
    }
    // 50 rows of 1 MB; the client never reads a byte of the answer.
    await raw.send(
      0,
      new Uint8Array([
        0x03,
        ...new TextEncoder().encode("SELECT REPEAT('x', 1000000) AS big FROM w.seq"),
      ]),
    );

    await waitUntil("the stuck session leaves the process list", async () => {
      return !(await processIds(admin)).has(raw.connectionId);
    }, 20_000);
    assert.ok((await globalStatus(admin, "Aborted_clients")) > aborted);
    const log = await srv.logText();
    assert.match(
      log,
      new RegExp(
        `Aborted connection ${raw.connectionId} to db: 'unconnected' user: 'root' ` +
          `host: '[^']+' \\(Got timeout writing communication packets\\)\\.`,
      ),
    );

    // The stuck client's transaction was rolled back, and its write lock is free again.
    const [rows] = await admin.query("SELECT COUNT(*) AS n FROM w.written");
    assert.equal(Number((rows as { n: number }[])[0]!.n), 0);
    await admin.query("INSERT INTO w.written VALUES (2)");
    const fresh = await connectMysql2(srv);
    try {
      const [again] = await fresh.query("SELECT COUNT(*) AS n FROM w.seq");
      assert.equal(Number((again as { n: number }[])[0]!.n), ROWS);
    } finally {
      await fresh.end();
    }
  } finally {
    await admin.end();
  }
});
