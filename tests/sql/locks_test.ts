/**
 * Locks and cooperative waits across two engine sessions on one store (MySQL WL#14167 and the
 * MDL / LOCK TABLES / GET_LOCK behaviour of MySQL 8.0): the waiting session runs in a worker
 * and is released, timed out, killed or abandoned by its client.
 */

import assert from "node:assert/strict";
import { REMOTE_ID, settled, sleep, TwoSessions } from "./_two_sessions.ts";
import { KillValue } from "../../server/session/session_signals.ts";

const TABLE = "CREATE TABLE t (id INT PRIMARY KEY, v INT)";

Deno.test("DDL waits for another session's open transaction and runs after COMMIT", async () => {
  await using p = new TwoSessions();
  await p.setup(TABLE, "INSERT INTO t VALUES (1, 1)");
  await p.run("BEGIN", "SELECT * FROM t");
  const alter = p.remote("ALTER TABLE t ADD COLUMN w INT");
  await sleep(150);
  assert.equal(await settled(alter), false);
  assert.equal(p.remoteState(), "Waiting for table metadata lock");
  await p.run("COMMIT");
  assert.deepEqual(await alter, { ok: true, value: { affectedRows: 0 } });
  assert.deepEqual(await p.run("SELECT * FROM t"), [[1, 1, null]]);
});

Deno.test("a statement waits on LOCK TABLES ... WRITE until UNLOCK TABLES", async () => {
  await using p = new TwoSessions();
  await p.setup(TABLE, "CREATE TABLE other (id INT)", "INSERT INTO t VALUES (1, 1)");
  await p.run("LOCK TABLES t WRITE");
  // MySQL: under LOCK TABLES only the locked tables can be used.
  assert.equal(await p.localError("SELECT * FROM other"), 1100);
  await p.run("UPDATE t SET v = 2");
  const read = p.remote("SELECT v FROM t");
  await sleep(150);
  assert.equal(await settled(read), false);
  assert.equal(p.remoteState(), "Waiting for table metadata lock");
  await p.run("UNLOCK TABLES");
  assert.deepEqual(await read, { ok: true, value: [[2]] });
  await p.run("LOCK TABLES t READ");
  assert.equal(await p.localError("INSERT INTO t VALUES (5, 5)"), 1099);
  assert.deepEqual(await p.remote("SELECT count(*) FROM t"), { ok: true, value: [[1]] });
  const write = p.remote("INSERT INTO t VALUES (3, 3)");
  await sleep(100);
  assert.equal(await settled(write), false, "READ keeps writers out");
  await p.run("UNLOCK TABLES");
  assert.deepEqual(await write, { ok: true, value: { affectedRows: 1 } });
});

Deno.test("lock_wait_timeout=1: ERR 1205 after about a second", async () => {
  await using p = new TwoSessions();
  await p.setup(TABLE);
  await p.run("BEGIN", "SELECT * FROM t");
  await p.remote("SET lock_wait_timeout = 1");
  const started = performance.now();
  const r = await p.remote("DROP TABLE t");
  const took = performance.now() - started;
  assert.deepEqual(r, {
    ok: false,
    code: 1205,
    message: "Lock wait timeout exceeded; try restarting transaction",
  });
  assert.ok(took >= 950 && took < 3000, `waited ${took} ms`);
  await p.run("COMMIT");
  assert.deepEqual(await p.remote("DROP TABLE t"), { ok: true, value: { affectedRows: 0 } });
});

Deno.test("GET_LOCK: contention, timeout, hand-over, IS_USED_LOCK, RELEASE_ALL_LOCKS", async () => {
  await using p = new TwoSessions();
  await p.setup();
  assert.deepEqual(await p.run("SELECT GET_LOCK('job', 0), IS_USED_LOCK('job')"), [[1, 101]]);
  assert.deepEqual(await p.remote("SELECT GET_LOCK('job', 0.2), IS_FREE_LOCK('job')"), {
    ok: true,
    value: [[0, 0]],
  });
  const waiting = p.remote("SELECT GET_LOCK('JOB', 10)");
  await sleep(100);
  assert.equal(p.remoteState(), "User lock");
  assert.deepEqual(await p.run("SELECT RELEASE_LOCK('job')"), [[1]]);
  assert.deepEqual(await waiting, { ok: true, value: [[1]] });
  assert.deepEqual(await p.run("SELECT IS_USED_LOCK('job'), RELEASE_LOCK('job')"), [[
    REMOTE_ID,
    0,
  ]]);
  assert.deepEqual(await p.remote("SELECT GET_LOCK('job', 0), RELEASE_ALL_LOCKS()"), {
    ok: true,
    value: [[1, 2]],
  });
  assert.deepEqual(await p.run("SELECT RELEASE_LOCK('job')"), [[null]]);
});

Deno.test("KILL QUERY during SLEEP: SLEEP returns 1 at once, the session goes on", async () => {
  await using p = new TwoSessions();
  await p.setup();
  const started = performance.now();
  const sleeping = p.remote("SELECT SLEEP(10)");
  await sleep(100);
  assert.equal(p.remoteState(), "User sleep");
  p.kill(KillValue.KILL_QUERY);
  assert.deepEqual(await sleeping, { ok: true, value: [[1]] });
  assert.ok(performance.now() - started < 2000);
  assert.deepEqual(await p.remote("SELECT 1"), { ok: true, value: [[1]] });
});

Deno.test("KILL QUERY during a long scan: 1317, its own writes undone, session usable", async () => {
  await using p = new TwoSessions();
  await p.setup(TABLE, "INSERT INTO t VALUES (1, 1), (2, 2), (3, 3)");
  await p.remote("BEGIN");
  await p.remote("INSERT INTO t VALUES (4, 4)");
  // Millions of rows through a recursive CTE, then a three-way join of a small table.
  const cte = p.remote(
    "WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 100000000) " +
      "SELECT count(*) FROM c",
  );
  await sleep(200);
  p.kill(KillValue.KILL_QUERY);
  assert.deepEqual(await cte, {
    ok: false,
    code: 1317,
    message: "Query execution was interrupted",
  });
  const update = p.remote(
    "UPDATE t SET v = v + (SELECT count(*) FROM t a, t b, t c, t d, t e, t f, t g, t h, t i, t j, t k, t l, t m, t n)",
  );
  await sleep(200);
  const killedAt = performance.now();
  p.kill(KillValue.KILL_QUERY);
  assert.deepEqual(await update, {
    ok: false,
    code: 1317,
    message: "Query execution was interrupted",
  });
  // Promptness is measured by the lifecycle benchmark; here only "not after the scan ran out".
  assert.ok(performance.now() - killedAt < 5000, "stopped long before the scan would end");
  assert.deepEqual(await p.remote("SELECT id, v FROM t ORDER BY id"), {
    ok: true,
    value: [[1, 1], [2, 2], [3, 3], [4, 4]],
  });
  await p.remote("COMMIT");
  assert.deepEqual(await p.run("SELECT count(*) FROM t"), [[4]]);
});

Deno.test("a client gone during a lock wait ends it, rolls back and frees its locks", async () => {
  await using p = new TwoSessions();
  // The open transaction writes t2, not t: its metadata lock on t would make LOCK TABLES t
  // WRITE wait, as in MySQL.
  await p.setup(TABLE, "CREATE TABLE t2 (id INT PRIMARY KEY)");
  await p.remote("BEGIN");
  await p.remote("INSERT INTO t2 VALUES (9)");
  await p.remote("SELECT GET_LOCK('held', 0)");
  await p.run("LOCK TABLES t WRITE");
  const blocked = p.remote("SELECT * FROM t");
  await sleep(100);
  const goneAt = performance.now();
  p.hangUp();
  const r = await blocked;
  assert.ok(performance.now() - goneAt < 5000, "ended at once, not at a timeout");
  assert.equal(r.ok ? 0 : r.code, 1927);
  await p.run("UNLOCK TABLES");
  // Its transaction was rolled back and its user lock released without the main thread.
  assert.deepEqual(await p.run("SELECT count(*), IS_FREE_LOCK('held') FROM t2"), [[0, 1]]);
});

Deno.test("a client gone during SLEEP, GET_LOCK and a DDL wait ends each promptly", async () => {
  for (
    const [setup, sql] of [
      [[], "SELECT SLEEP(30)"],
      [["SELECT GET_LOCK('x', 0)"], "SELECT GET_LOCK('x', 30)"],
      [["BEGIN", "SELECT * FROM t"], "TRUNCATE TABLE t"],
    ] as const
  ) {
    await using p = new TwoSessions();
    await p.setup(TABLE);
    await p.run(...setup);
    const waiting = p.remote(sql);
    await sleep(100);
    assert.equal(await settled(waiting), false, sql);
    const goneAt = performance.now();
    p.hangUp();
    const r = await waiting;
    assert.ok(performance.now() - goneAt < 5000, `${sql}: ended at once, not at a timeout`);
    assert.equal(r.ok ? 0 : r.code, 1927, sql);
    // The main thread's clean-up after the session ended finds nothing left.
    assert.equal(p.releaseRemote(), 0);
  }
});

Deno.test("KILL CONNECTION during a metadata lock wait: 1927", async () => {
  await using p = new TwoSessions();
  await p.setup(TABLE);
  await p.run("LOCK TABLES t READ");
  const waiting = p.remote("DELETE FROM t");
  await sleep(100);
  p.kill(KillValue.KILL_CONNECTION);
  const r = await waiting;
  assert.equal(r.ok ? 0 : r.code, 1927);
  await p.run("UNLOCK TABLES");
});
