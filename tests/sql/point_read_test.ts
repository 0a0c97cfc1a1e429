/**
 * Point reads (server/sql/point_read.ts), HandlerSocket's find: the row SQL's SELECT returns,
 * SQL's errors, and read groups that keep one snapshot and one metadata lock until they end.
 */

import assert from "node:assert/strict";
import { EngineFixture, fakeLink } from "./_engine_fixture.ts";
import { settled, sleep, TwoSessions } from "./_two_sessions.ts";
import type { PointReader } from "../../server/sql/types.ts";
import { errorCode } from "../helpers/error_code.ts";

const READ = "SELECT `id`, `v`, `d`, `b` FROM `d`.`t` WHERE `id` <=> ?";

/** Two sessions on table t holding row (1, 1, 0, 0). */
async function twoSessionsOnT(): Promise<TwoSessions> {
  const p = new TwoSessions();
  await p.setup(
    "CREATE TABLE t (id INT PRIMARY KEY, v INT, d INT, b INT)",
    "INSERT INTO t VALUES (1, 1, 0, 0)",
  );
  return p;
}

Deno.test("point read: the row SELECT returns, null when none, SQL's errors", async () => {
  using f = new EngineFixture();
  await f.run(
    "CREATE DATABASE d",
    "CREATE TABLE d.t (id BIGINT PRIMARY KEY, v VARCHAR(10), d DECIMAL(6,2), b VARBINARY(4))",
    "INSERT INTO d.t VALUES (1, 'a\\0b', 1.5, X'00ff'), (9007199254740991, NULL, NULL, NULL)",
  );
  const read = f.session.preparePointRead(READ)!;
  for (const id of ["1", "9007199254740991"]) {
    assert.deepEqual(read.row([id], false), (await f.rows(READ.replace("?", id)))[0]);
  }
  assert.deepEqual(read.row(["1"], false), [1, "a\0b", "1.50", new Uint8Array([0, 255])]);
  assert.equal(read.row(["2"], false), null);
  assert.equal(read.row(["x"], false), null);
  assert.equal(f.session.preparePointRead("SELECT id INTO @x FROM d.t WHERE id <=> ?"), null);
  assert.equal(
    errorCode(() => f.session.preparePointRead("SELECT nope FROM d.t WHERE id <=> ?")),
    1054,
  );
  await f.run("ALTER TABLE d.t DROP COLUMN b");
  assert.equal(errorCode(() => read.row(["1"], false)), 1054);
  await f.run("DROP TABLE d.t");
  assert.equal(errorCode(() => read.row(["1"], false)), 1146);
  read.close();
  assert.equal(errorCode(() => read.row(["1"], false)), 1243);
});

Deno.test("point read: privileges are checked on every read", async () => {
  using f = new EngineFixture();
  f.bootstrapAccounts();
  await f.run(
    "CREATE DATABASE d",
    "CREATE TABLE d.t (id INT PRIMARY KEY, v INT, d INT, b INT)",
    "INSERT INTO d.t VALUES (1, 2, 3, 4)",
    "CREATE USER 'u'@'localhost'",
    "GRANT SELECT ON d.t TO 'u'@'localhost'",
  );
  const u = f.engine.openSession(
    {
      connectionId: 2,
      user: "u",
      host: "localhost",
      accountHost: "localhost",
      db: null,
      interactive: false,
    },
    fakeLink(),
    () => new Map(),
  );
  const read: PointReader = u.preparePointRead(READ)!;
  assert.deepEqual(read.row(["1"], true), [1, 2, 3, 4]);
  u.endReadGroup();
  await f.run("REVOKE SELECT ON d.t FROM 'u'@'localhost'");
  assert.equal(errorCode(() => read.row(["1"], false)), 1142);
  u.close();
});

Deno.test("point read: a read group keeps its snapshot until it ends or another statement runs", async () => {
  await using p = await twoSessionsOnT();
  const read = p.local.preparePointRead(READ)!;
  assert.deepEqual(read.row(["1"], true), [1, 1, 0, 0]);
  assert.equal(p.local.readGroup.active, true);
  // A writer is not held up by the group (metadata locks S and SW are compatible) ...
  assert.deepEqual(await p.remote("UPDATE t SET v = 2"), { ok: true, value: { affectedRows: 1 } });
  // ... and the group's reads still see the snapshot taken at its first read.
  assert.deepEqual(read.row(["1"], true), [1, 1, 0, 0]);
  p.local.endReadGroup();
  assert.equal(p.local.readGroup.active, false);
  assert.deepEqual(read.row(["1"], true), [1, 2, 0, 0]);
  assert.deepEqual(await p.remote("UPDATE t SET v = 3"), { ok: true, value: { affectedRows: 1 } });
  // Any other statement of the session ends the group first.
  assert.deepEqual(await p.run("SELECT v FROM t"), [[3]]);
  assert.equal(p.local.readGroup.active, false);
  assert.deepEqual(read.row(["1"], false), [1, 3, 0, 0]);
  assert.equal(p.local.db.isTransaction, false);
});

Deno.test("point read: DDL waits for a read group's metadata lock", async () => {
  await using p = await twoSessionsOnT();
  const read = p.local.preparePointRead(READ)!;
  assert.deepEqual(read.row(["1"], true), [1, 1, 0, 0]);
  const alter = p.remote("ALTER TABLE t DROP COLUMN b");
  await sleep(150);
  assert.equal(await settled(alter), false);
  assert.equal(p.remoteState(), "Waiting for table metadata lock");
  p.local.endReadGroup();
  assert.deepEqual(await alter, { ok: true, value: { affectedRows: 0 } });
  assert.equal(errorCode(() => read.row(["1"], true)), 1054);
  assert.equal(p.local.readGroup.active, false);
});

Deno.test("point read: in a transaction no group opens; reads keep the transaction's snapshot", async () => {
  await using p = await twoSessionsOnT();
  const read = p.local.preparePointRead(READ)!;
  await p.run("BEGIN");
  assert.deepEqual(read.row(["1"], true), [1, 1, 0, 0]);
  assert.equal(p.local.readGroup.active, false);
  assert.deepEqual(await p.remote("UPDATE t SET v = 2"), { ok: true, value: { affectedRows: 1 } });
  assert.deepEqual(read.row(["1"], true), [1, 1, 0, 0]);
  await p.run("COMMIT");
  assert.deepEqual(read.row(["1"], false), [1, 2, 0, 0]);
  await p.run("SET autocommit = 0");
  assert.deepEqual(read.row(["1"], true), [1, 2, 0, 0]);
  assert.equal(p.local.readGroup.active, false);
  assert.equal(p.local.inTransaction, true);
  await p.run("ROLLBACK");
});
