/** SELECT / INSERT / UPDATE / DELETE through the engine, as sysbench and clients send them. */

import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { EngineFixture } from "./_engine_fixture.ts";
import { ColumnType } from "../../server/sql/column_type.ts";

const SBTEST =
  "CREATE TABLE sbtest1(id INTEGER NOT NULL AUTO_INCREMENT, k INTEGER DEFAULT '0' NOT NULL, " +
  "c CHAR(120) DEFAULT '' NOT NULL, pad CHAR(60) DEFAULT '' NOT NULL, PRIMARY KEY (id)) /*! ENGINE = innodb */";

async function sysbench(): Promise<EngineFixture> {
  const f = new EngineFixture();
  await f.run("CREATE DATABASE sbtest", "USE sbtest", SBTEST, "CREATE INDEX k_1 ON sbtest1(k)");
  await f.run(
    "INSERT INTO sbtest1(k, c, pad) VALUES (5,'c1','p1'),(6,'c2','p2'),(7,'c3','p3'),(7,'c4','p4')",
  );
  return f;
}

Deno.test("sysbench point select, range, sum, order, distinct", async () => {
  using f = await sysbench();
  assertEquals(await f.rows("SELECT c FROM sbtest1 WHERE id=2"), [["c2"]]);
  assertEquals(await f.rows("SELECT c FROM sbtest1 WHERE id BETWEEN 2 AND 3"), [["c2"], ["c3"]]);
  assertEquals(await f.rows("SELECT SUM(k) FROM sbtest1 WHERE id BETWEEN 1 AND 4"), [["25"]]);
  assertEquals(await f.rows("SELECT c FROM sbtest1 WHERE id BETWEEN 1 AND 4 ORDER BY c DESC"), [
    ["c4"],
    ["c3"],
    ["c2"],
    ["c1"],
  ]);
  assertEquals(await f.rows("SELECT DISTINCT k FROM sbtest1 WHERE id BETWEEN 1 AND 4 ORDER BY k"), [
    [5],
    [6],
    [7],
  ]);
});

Deno.test("point select metadata and cached plan reuse", async () => {
  using f = await sysbench();
  const r = await f.session.execute("SELECT c FROM sbtest1 WHERE id=1");
  const r2 = await f.session.execute("SELECT c FROM sbtest1 WHERE id=3");
  if (r.kind !== "rows" || r2.kind !== "rows") throw new Error("rows expected");
  assertEquals(r.columns[0]!.type, ColumnType.STRING);
  assertEquals(r.columns[0]!.length, 480);
  assertEquals(r.columns[0]!.orgTable, "sbtest1");
  assertEquals(r.columns[0]!.db, "sbtest");
  assertEquals(r2.rows, [["c3"]]);
});

Deno.test("joins, group by / having, limit forms, subqueries, union", async () => {
  using f = await sysbench();
  assertEquals(
    await f.rows(
      "SELECT a.id, b.k FROM sbtest1 a JOIN sbtest1 b ON a.id = b.id ORDER BY a.id LIMIT 1, 2",
    ),
    [[2, 6], [3, 7]],
  );
  assertEquals(await f.rows("SELECT id FROM sbtest1 ORDER BY id LIMIT 2 OFFSET 1"), [[2], [3]]);
  assertEquals(await f.rows("SELECT k, COUNT(*) FROM sbtest1 GROUP BY k HAVING COUNT(*) > 1"), [[
    7,
    2,
  ]]);
  assertEquals(
    await f.rows("SELECT id FROM sbtest1 WHERE k = (SELECT MAX(k) FROM sbtest1) ORDER BY 1"),
    [[3], [4]],
  );
  assertEquals(await f.rows("SELECT id FROM sbtest1 WHERE id < 2 UNION SELECT 10 ORDER BY 1"), [
    [1],
    [10],
  ]);
});

Deno.test("SELECT without FROM names columns as typed", async () => {
  using f = await sysbench();
  const r = await f.session.execute("SELECT 1, 'abc', 1+1, DATABASE(), USER(), @@version_comment");
  if (r.kind !== "rows") throw new Error("rows expected");
  assertEquals(r.columns.map((c) => c.name), [
    "1",
    "abc",
    "1+1",
    "DATABASE()",
    "USER()",
    "@@version_comment",
  ]);
  assertEquals(r.rows[0]!.slice(0, 5), [1, "abc", 2, "sbtest", "root@localhost"]);
  assertEquals(await f.rows("SELECT 5/2, 7 DIV 2, 7 MOD 3, 1 <=> NULL, NULL <=> NULL"), [[
    2.5,
    3,
    1,
    0,
    1,
  ]]);
});

Deno.test("UPDATE reports matched and changed rows; DELETE with ORDER BY LIMIT", async () => {
  using f = await sysbench();
  const u = await f.run("UPDATE sbtest1 SET k=k+1 WHERE id=2");
  assertEquals(u.kind === "ok" && [u.affectedRows, u.info], [
    1,
    "Rows matched: 1  Changed: 1  Warnings: 0",
  ]);
  const same = await f.run("UPDATE sbtest1 SET k=7 WHERE id=2");
  assertEquals(same.kind === "ok" && [same.affectedRows, same.info], [
    0,
    "Rows matched: 1  Changed: 0  Warnings: 0",
  ]);
  const d = await f.run("DELETE FROM sbtest1 ORDER BY id DESC LIMIT 2");
  assertEquals(d.kind === "ok" && d.affectedRows, 2);
  assertEquals(await f.rows("SELECT id FROM sbtest1"), [[1], [2]]);
});

Deno.test("INSERT: insert id, IGNORE, ON DUPLICATE KEY UPDATE, REPLACE, SET form", async () => {
  using f = await sysbench();
  const i = await f.run("INSERT INTO sbtest1 (k, c, pad) VALUES (1, 'x', 'y')");
  assertEquals(i.kind === "ok" && [i.insertId, i.affectedRows], [5, 1]);
  assertEquals(await f.rows("SELECT LAST_INSERT_ID()"), [[5]]);
  const ig = await f.run("INSERT IGNORE INTO sbtest1 (id, k) VALUES (5, 1), (6, 2)");
  assertEquals(ig.kind === "ok" && [ig.affectedRows, ig.info], [
    1,
    "Records: 2  Duplicates: 1  Warnings: 0",
  ]);
  const up = await f.run(
    "INSERT INTO sbtest1 (id, k) VALUES (1, 100) ON DUPLICATE KEY UPDATE k = VALUES(k) + 1",
  );
  assertEquals(up.kind === "ok" && up.affectedRows, 2);
  assertEquals(await f.rows("SELECT k FROM sbtest1 WHERE id = 1"), [[101]]);
  await f.run("REPLACE INTO sbtest1 (id, k, c) VALUES (1, 3, 'r')");
  assertEquals(await f.rows("SELECT k, c FROM sbtest1 WHERE id = 1"), [[3, "r"]]);
  await f.run("INSERT INTO sbtest1 SET k = 9, c = 'set'");
  assertEquals(await f.rows("SELECT k FROM sbtest1 WHERE c = 'SET'"), [[9]]);
});

Deno.test("transactions: BEGIN / ROLLBACK / COMMIT, autocommit=0, savepoints", async () => {
  using f = await sysbench();
  await f.run("BEGIN", "DELETE FROM sbtest1", "ROLLBACK");
  assertEquals(await f.rows("SELECT COUNT(*) FROM sbtest1"), [[4]]);
  await f.run("SET autocommit=0", "DELETE FROM sbtest1 WHERE id = 1");
  assertEquals(f.session.inTransaction, true);
  await f.run("ROLLBACK", "SET autocommit=1");
  assertEquals(await f.rows("SELECT COUNT(*) FROM sbtest1"), [[4]]);
  await f.run(
    "START TRANSACTION",
    "DELETE FROM sbtest1 WHERE id = 1",
    "SAVEPOINT a",
    "DELETE FROM sbtest1 WHERE id = 2",
  );
  await f.run("ROLLBACK TO SAVEPOINT a", "COMMIT");
  assertEquals(await f.rows("SELECT id FROM sbtest1"), [[2], [3], [4]]);
});

Deno.test("prepared statements bind parameters", async () => {
  using f = await sysbench();
  const p = f.session.prepare("SELECT c FROM sbtest1 WHERE id = ?");
  assertEquals(p.info.paramCount, 1);
  assertEquals(p.info.columns.map((c) => c.name), ["c"]);
  const r = await p.execute([3]);
  assertEquals(r.kind === "rows" && r.rows, [["c3"]]);
  const ins = f.session.prepare("INSERT INTO sbtest1 (k, c) VALUES (?, ?)");
  const o = await ins.execute([42, "prep"]);
  assertEquals(o.kind === "ok" && o.insertId, 5);
  p.close();
  ins.close();
});
