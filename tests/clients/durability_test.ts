/**
 * Crash durability: every autocommit INSERT the server acknowledged survives a `kill -9` of the
 * server while writes are in flight.
 */

import assert from "node:assert/strict";
import type mysql from "mysql2/promise";
import { makeTestDir, startServer } from "../helpers/server_process.ts";
import { connectMysql2 } from "../helpers/mysql2_client.ts";

type Rows = mysql.RowDataPacket[];

const WRITERS = 2;
const KILL_AFTER_ACKS = 300;
const MAX_PER_WRITER = 5_000;

Deno.test("kill -9: acknowledged autocommit inserts survive a restart", async () => {
  const dir = await makeTestDir("durable-");
  const datadir = `${dir}/data`;
  try {
    const acked = new Set<number>();
    {
      await using srv = await startServer({ datadir });
      const setup = await connectMysql2(srv);
      await setup.query("CREATE DATABASE d");
      await setup.query("CREATE TABLE d.t (id INT PRIMARY KEY, payload VARCHAR(100))");
      await setup.end();

      let killed = false;
      const writers = Array.from({ length: WRITERS }, async (_, w) => {
        const conn = await connectMysql2(srv, { database: "d" });
        conn.on("error", () => {}); // the kill drops the socket; the failed query reports it
        try {
          for (let i = 0; i < MAX_PER_WRITER && !killed; i++) {
            const id = w * MAX_PER_WRITER + i;
            await conn.query("INSERT INTO t VALUES (?, ?)", [id, `row ${id} ${"x".repeat(50)}`]);
            acked.add(id);
          }
        } catch (err) {
          if (!killed) throw err;
        } finally {
          conn.destroy();
        }
      });
      while (acked.size < KILL_AFTER_ACKS && !(await settledWithin(writers, 20))) {
        // wait for enough acknowledged writes
      }
      if (acked.size < KILL_AFTER_ACKS) await Promise.all(writers); // surface a writer's error
      assert.ok(acked.size >= KILL_AFTER_ACKS, `only ${acked.size} inserts acknowledged`);
      killed = true;
      const status = await srv.kill9();
      assert.equal(status.signal, "SIGKILL");
      await Promise.all(writers);
    }

    await using again = await startServer({ datadir });
    const conn = await connectMysql2(again, { database: "d" });
    try {
      const [rows] = await conn.query<Rows>("SELECT id, payload FROM t");
      const found = new Map(rows.map((r) => [r.id as number, r.payload as string]));
      const missing = [...acked].filter((id) => !found.has(id));
      assert.deepEqual(missing.slice(0, 20), [], `${missing.length} acknowledged rows lost`);
      for (const id of acked) assert.equal(found.get(id), `row ${id} ${"x".repeat(50)}`);
      // At most one unacknowledged insert per writer was in flight at the kill.
      assert.ok(found.size <= acked.size + WRITERS, `${found.size} rows for ${acked.size} acks`);
      const [ok] = await conn.query<mysql.ResultSetHeader>("INSERT INTO t VALUES (-1, 'after')");
      assert.equal(ok.affectedRows, 1, "the restarted server accepts writes");
    } finally {
      await conn.end();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Waits up to `ms` for all of `work` to settle; tells whether it did. */
async function settledWithin(work: Promise<unknown>[], ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const done = Promise.allSettled(work).then(() => true);
  try {
    return await Promise.race([done, tick]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("SIGTERM: the server exits cleanly with a client connected and keeps its data", async () => {
  const dir = await makeTestDir("sigterm-");
  const datadir = `${dir}/data`;
  try {
    {
      await using srv = await startServer({ datadir });
      const conn = await connectMysql2(srv);
      conn.on("error", () => {}); // the shutdown closes this idle connection
      await conn.query("CREATE DATABASE d");
      await conn.query("CREATE TABLE d.t (id INT PRIMARY KEY)");
      await conn.query("INSERT INTO d.t VALUES (1), (2), (3)");
      const status = await srv.stop("SIGTERM");
      conn.destroy();
      assert.equal(status.signal, null, "exited by itself, not killed");
      assert.equal(status.code, 0);
    }
    await using again = await startServer({ datadir });
    const conn = await connectMysql2(again);
    try {
      const [rows] = await conn.query<Rows>("SELECT id FROM d.t ORDER BY id");
      assert.deepEqual(rows.map((r) => r.id), [1, 2, 3]);
    } finally {
      await conn.end();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
