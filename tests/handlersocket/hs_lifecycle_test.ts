/**
 * HandlerSocket threads over their life on the real server: KILL of one read-port thread closes
 * only the connections it served while the port keeps working; KILL of every read-port thread
 * closes the port; KILL of a thread whose request waits for a table lock ends it at once, and
 * the totals do not go down.
 */

import assert from "node:assert/strict";
import type mysql from "mysql2/promise";
import { connectMysql2 } from "../helpers/mysql2_client.ts";
import { waitUntil } from "../helpers/wait_until.ts";
import { HsClient } from "./_hs_client.ts";
import {
  askOrClosed,
  closeAll,
  daemons,
  find,
  hsServer,
  OPEN,
  readThreads,
  spreadConnections,
  status,
  stopCleanly,
  within,
} from "./_hs_server.ts";

Deno.test({
  name: "handlersocket lifecycle: KILL of one read thread closes its connections only",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const { srv, sql, rd } = await hsServer(2);
  await using _srv = srv;
  const clients: HsClient[] = [];
  try {
    clients.push(...await spreadConnections(sql, rd, 12));
    const before = await readThreads(sql);
    assert.equal(before.size, 2);
    const [victim, survivor] = [...before.keys()] as [number, number];
    const served = before.get(victim)!;
    assert.equal(served + before.get(survivor)!, clients.length);
    assert.equal(await status(sql, "Hs_threads"), 3);

    await sql.query(`KILL ${victim}`);
    await waitUntil("the killed thread leaves the process list", async () => {
      return !(await daemons(sql)).some((r) => r.Id === victim);
    });
    assert.deepEqual([...(await readThreads(sql)).keys()], [survivor]);
    assert.equal((await daemons(sql)).length, 2); // the other read thread and the write thread
    assert.equal(await status(sql, "Hs_threads"), 2);

    // Exactly the connections the killed thread served are closed; the rest still answer.
    const answers = [];
    for (const c of clients) answers.push(await askOrClosed(c, find(2)));
    assert.equal(answers.filter((a) => a === null).length, served, answers.join("|"));
    assert.ok(answers.every((a) => a === null || a === "0\t2\t2\ttwo"), answers.join("|"));

    // New connections go to the remaining thread.
    for (let i = 0; i < 4; i++) {
      const c = await HsClient.connect(rd);
      clients.push(c);
      assert.deepEqual(await c.ask(OPEN, find(1)), ["0\t1", "0\t2\t1\tone"]);
    }
    const open = clients.length - served;
    assert.deepEqual([...(await readThreads(sql)).entries()], [[survivor, open]]);
    assert.equal(await status(sql, "Hs_connections_open"), open);
    // Hs_connections counts every accepted connection, the killed thread's too.
    assert.equal(await status(sql, "Hs_connections"), clients.length);
  } finally {
    closeAll(clients);
    await sql.end();
  }
  await stopCleanly(srv);
});

/** Start a find on `c` that waits for `locker`'s LOCK TABLES d.t WRITE; the waiting thread's id. */
async function findWaitingForLock(
  sql: mysql.Connection,
  locker: mysql.Connection,
  c: HsClient,
): Promise<number> {
  assert.deepEqual(await c.ask(OPEN), ["0\t1"]);
  await locker.query("LOCK TABLES d.t WRITE");
  await c.write(find(2) + "\n");
  let id = 0;
  await waitUntil("the find waits for the table lock", async () => {
    const busy = (await daemons(sql)).find((d) =>
      d.State === "handlersocket: mode=rd, 1 conns, 1 active"
    );
    id = Number(busy?.Id ?? 0);
    return busy !== undefined;
  });
  return id;
}

// MySQL's KILL ends a lock wait at once and the killed thread's work with it: the request that
// waited answers the kill's error line (not the row), and the connection closes while the lock is
// still held. The thread's counts stay in the totals: MySQL's cumulative counters never go down.
Deno.test({
  name: "handlersocket lifecycle: KILL of a thread waiting for a table lock ends it at once",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const { srv, sql, rd } = await hsServer(1);
  await using _srv = srv;
  const locker = await connectMysql2(srv);
  using c = await HsClient.connect(rd);
  try {
    const id = await findWaitingForLock(sql, locker, c);
    assert.equal(await status(sql, "Hs_connections"), 1);
    assert.equal(await status(sql, "Hs_requests"), 1);
    await sql.query(`KILL ${id}`);
    assert.equal(await status(sql, "Hs_connections"), 1);
    assert.ok(await status(sql, "Hs_requests") >= 1);
    // All while the lock is still held.
    const line = async () => {
      const l = await c.readLine().catch(() => null);
      return l === null ? null : new TextDecoder().decode(l);
    };
    const answer = await within(10_000, "the waiting request ends", line());
    if (answer !== null) assert.match(answer, /^1\t1\t\d+$/);
    assert.equal(await within(10_000, "the killed thread's connection closes", line()), null);
    await waitUntil("the thread leaves the process list", async () => {
      return !(await daemons(sql)).some((r) => r.Id === id);
    });
    await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: rd }));
    // The open, and the find the KILL ended (counted when it was answered).
    assert.equal(await status(sql, "Hs_connections"), 1);
    assert.equal(await status(sql, "Hs_requests"), 2);
  } finally {
    await locker.query("UNLOCK TABLES").catch(() => {});
    await locker.end();
    await sql.end();
  }
});

Deno.test({
  name: "handlersocket lifecycle: KILL of every read thread closes the read port only",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const { srv, sql, rd, wr } = await hsServer(2);
  await using _srv = srv;
  try {
    using r = await HsClient.connect(rd);
    using w = await HsClient.connect(wr);
    assert.deepEqual(await r.ask(OPEN, find(1)), ["0\t1", "0\t2\t1\tone"]);
    assert.deepEqual(await w.ask(OPEN, find(1)), ["0\t1", "0\t2\t1\tone"]);
    const ids = [...(await readThreads(sql)).keys()];
    assert.equal(ids.length, 2);
    for (const id of ids) await sql.query(`KILL ${id}`);
    await waitUntil("no read thread is left", async () => (await readThreads(sql)).size === 0);
    assert.equal(await r.readLine(), null);
    await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: rd }));
    const left = await daemons(sql);
    assert.deepEqual(left.map((d) => d.State), ["handlersocket: mode=wr, 1 conns, 0 active"]);
    assert.equal(await status(sql, "Hs_threads"), 1);
    // The write port still works, for the open connection and a new one.
    assert.deepEqual(await w.ask(find(2)), ["0\t2\t2\ttwo"]);
    using w2 = await HsClient.connect(wr);
    assert.deepEqual(await w2.ask(OPEN, "1\t+\t2\t4\tfour"), ["0\t1", "0\t1\t0"]);
    const [rows] = await sql.query("SELECT v FROM d.t WHERE id = 4");
    assert.deepEqual(rows, [{ v: "four" }]);
  } finally {
    await sql.end();
  }
  await stopCleanly(srv);
});

// Shutdown with a find waiting for another session's table lock: the find ends (killed, or
// answered once the locking session is gone), its connection is closed, and the server exits
// cleanly (no thread left behind, no leak reported).
Deno.test({
  name: "handlersocket lifecycle: shutdown with a find waiting for a table lock",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const { srv, sql, rd } = await hsServer(1);
  await using _srv = srv;
  const locker = await connectMysql2(srv);
  locker.on("error", () => {});
  using c = await HsClient.connect(rd);
  await findWaitingForLock(sql, locker, c);
  await sql.end();
  await stopCleanly(srv);
  assert.doesNotMatch(await srv.logText(), /did not exit|leak/i);
  const rest = await c.readLine().catch(() => null);
  // Shutdown ends the locking session too, so the find may get its row before it is killed.
  if (rest !== null) assert.match(new TextDecoder().decode(rest), /^(0\t2\t2\ttwo|1\t1\t\d+)$/);
  await locker.end().catch(() => {});
});
