/** MySQL error codes and messages the engine must produce exactly. */

import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { EngineFixture } from "./_engine_fixture.ts";

async function fixture(): Promise<EngineFixture> {
  const f = new EngineFixture();
  await f.run(
    "CREATE DATABASE d",
    "USE d",
    "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(5) NOT NULL, tiny TINYINT, day DATE, u INT UNSIGNED, UNIQUE KEY uname (name))",
    "INSERT INTO t VALUES (1, 'a', 1, '2024-01-31', 1)",
  );
  return f;
}

const CASES: [string, number, string][] = [
  ["SELECT * FROM nosuch", 1146, "Table 'd.nosuch' doesn't exist"],
  ["SELECT nocol FROM t", 1054, "Unknown column 'nocol' in 'field list'"],
  ["SELECT id FROM t WHERE nocol = 1", 1054, "Unknown column 'nocol' in 'where clause'"],
  ["SELECT id FROM t ORDER BY nocol", 1054, "Unknown column 'nocol' in 'order clause'"],
  ["INSERT INTO t VALUES (1, 'b', 1, NULL, 1)", 1062, "Duplicate entry '1' for key 't.PRIMARY'"],
  ["INSERT INTO t VALUES (2, 'a', 1, NULL, 1)", 1062, "Duplicate entry 'a' for key 't.uname'"],
  ["INSERT INTO t (id, name) VALUES (3, NULL)", 1048, "Column 'name' cannot be null"],
  ["INSERT INTO t (id) VALUES (3)", 1364, "Field 'name' doesn't have a default value"],
  [
    "INSERT INTO t (id, name) VALUES ('x3', 'b')",
    1366,
    "Incorrect integer value: 'x3' for column 'id' at row 1",
  ],
  [
    "INSERT INTO t (id, name) VALUES (3, 'toolong')",
    1406,
    "Data too long for column 'name' at row 1",
  ],
  [
    "INSERT INTO t (id, name, tiny) VALUES (3, 'b', 300)",
    1264,
    "Out of range value for column 'tiny' at row 1",
  ],
  [
    "INSERT INTO t (id, name, u) VALUES (3, 'b', -1)",
    1264,
    "Out of range value for column 'u' at row 1",
  ],
  [
    "INSERT INTO t (id, name, day) VALUES (3, 'b', '2024-02-30')",
    1292,
    "Incorrect date value: '2024-02-30' for column 'day' at row 1",
  ],
  ["INSERT INTO t (id, name) VALUES (3)", 1136, "Column count doesn't match value count at row 1"],
  ["INSERT INTO t (id, nope) VALUES (3, 4)", 1054, "Unknown column 'nope' in 'field list'"],
  ["CREATE TABLE t (a INT)", 1050, "Table 't' already exists"],
  ["DROP TABLE nosuch", 1051, "Unknown table 'd.nosuch'"],
  ["USE nosuchdb", 1049, "Unknown database 'nosuchdb'"],
  ["CREATE DATABASE d", 1007, "Can't create database 'd'; database exists"],
  [
    "SELEC 1",
    1064,
    "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'SELEC 1' at line 1",
  ],
  [
    "SELECT * FROM t WHERE",
    1064,
    "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '' at line 1",
  ],
  ["SELECT @@nosuch_variable", 1193, "Unknown system variable 'nosuch_variable'"],
  ["", 1065, "Query was empty"],
];

Deno.test("error codes and messages match MySQL 8.0", async () => {
  using f = await fixture();
  for (const [sql, code, message] of CASES) {
    assertEquals([sql, await f.errorOf(sql)], [sql, { code, message }]);
  }
});

Deno.test("1046 without a database", async () => {
  using f = new EngineFixture();
  assertEquals(await f.errorOf("SELECT * FROM t"), { code: 1046, message: "No database selected" });
  assertEquals(await f.errorOf("CREATE TABLE t (a INT)"), {
    code: 1046,
    message: "No database selected",
  });
});

Deno.test("non-strict sql_mode turns bad values into warnings", async () => {
  using f = await fixture();
  await f.run("SET sql_mode = ''");
  const r = await f.run("INSERT INTO t (id, name, tiny) VALUES (5, 'toolong', 999)");
  assertEquals(r.kind === "ok" && r.warnings, 2);
  assertEquals(await f.rows("SHOW WARNINGS"), [
    ["Warning", 1265, "Data truncated for column 'name' at row 1"],
    ["Warning", 1264, "Out of range value for column 'tiny' at row 1"],
  ]);
  assertEquals(await f.rows("SELECT name, tiny FROM t WHERE id = 5"), [["toolo", 127]]);
});

Deno.test("a failed statement keeps its error for SHOW ERRORS", async () => {
  using f = await fixture();
  await f.errorOf("SELECT * FROM nosuch");
  assertEquals(await f.rows("SHOW ERRORS"), [["Error", 1146, "Table 'd.nosuch' doesn't exist"]]);
});
