/** Access checks on every statement, as MySQL 8.0 makes them for a restricted account. */

import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { EngineFixture, fakeLink } from "./_engine_fixture.ts";
import { MysqlError } from "../../server/errors/mysql_error.ts";
import type { ServerLink, SqlSession } from "../../server/sql/types.ts";

/** root sets up d.t, other.o and u@localhost with SELECT on d.*; returns u's session. */
async function restricted(f: EngineFixture, link: ServerLink = fakeLink()): Promise<SqlSession> {
  f.bootstrapAccounts();
  await f.run(
    "CREATE DATABASE d",
    "CREATE DATABASE other",
    "CREATE TABLE d.t (id INT PRIMARY KEY, v INT)",
    "CREATE TABLE d.w (id INT PRIMARY KEY)",
    "CREATE TABLE other.o (id INT)",
    "INSERT INTO d.t VALUES (1, 10), (2, 20)",
    "CREATE USER 'u'@'localhost'",
    "GRANT SELECT ON d.* TO 'u'@'localhost'",
    "GRANT INSERT, UPDATE ON d.w TO 'u'@'localhost'",
  );
  const identity = {
    connectionId: 2,
    user: "u",
    host: "localhost",
    accountHost: "localhost",
    db: null,
    interactive: false,
  };
  return f.engine.openSession(identity, link, () => new Map());
}

async function errorOf(s: SqlSession, sql: string): Promise<[number, string]> {
  try {
    await s.execute(sql);
  } catch (e) {
    if (e instanceof MysqlError) return [e.code, e.message];
    throw e;
  }
  throw new Error(`Expected an error from: ${sql}`);
}

function denied(priv: string, table: string): [number, string] {
  return [1142, `${priv} command denied to user 'u'@'localhost' for table '${table}'`];
}

const DB_DENIED: [number, string] = [
  1044,
  "Access denied for user 'u'@'localhost' to database 'other'",
];

Deno.test("a SELECT-only account reads but cannot write (1142)", async () => {
  using f = new EngineFixture();
  const u = await restricted(f);
  try {
    await u.execute("USE d");
    const r = await u.execute("SELECT v FROM t WHERE id = 2");
    assertEquals(r.kind === "rows" ? r.rows : null, [[20]]);
    assertEquals(await errorOf(u, "INSERT INTO t VALUES (3, 30)"), denied("INSERT", "t"));
    assertEquals(await errorOf(u, "REPLACE INTO t VALUES (1, 30)"), denied("INSERT", "t"));
    assertEquals(await errorOf(u, "UPDATE t SET v = 1"), denied("UPDATE", "t"));
    assertEquals(await errorOf(u, "DELETE FROM t WHERE id = 1"), denied("DELETE", "t"));
    assertEquals(await errorOf(u, "DROP TABLE t"), denied("DROP", "t"));
    assertEquals(await errorOf(u, "TRUNCATE TABLE t"), denied("DROP", "t"));
    assertEquals(await errorOf(u, "ALTER TABLE t ADD c INT"), denied("ALTER", "t"));
    assertEquals(await errorOf(u, "CREATE INDEX i ON t (v)"), denied("INDEX", "t"));
    assertEquals(await errorOf(u, "CREATE TABLE n (a INT)"), denied("CREATE", "n"));
    // A table-level grant: INSERT works, and UPDATE with WHERE also needs SELECT (held on d.*).
    await u.execute("INSERT INTO w VALUES (1)");
    await u.execute("UPDATE w SET id = 2 WHERE id = 1");
    assertEquals(await errorOf(u, "DELETE FROM w"), denied("DELETE", "w"));
    // Prepared statements are checked at prepare and at every execution.
    let prepareError: unknown = null;
    try {
      u.prepare("DELETE FROM t WHERE id = ?");
    } catch (e) {
      prepareError = e;
    }
    assertEquals((prepareError as MysqlError).code, 1142);
  } finally {
    u.close();
  }
});

Deno.test("another database: 1044 for USE, 1142 for its tables, hidden from SHOW", async () => {
  using f = new EngineFixture();
  const u = await restricted(f);
  try {
    assertEquals(await errorOf(u, "USE other"), DB_DENIED);
    assertEquals(await errorOf(u, "SHOW TABLES FROM other"), DB_DENIED);
    assertEquals(await errorOf(u, "CREATE DATABASE x"), [
      1044,
      "Access denied for user 'u'@'localhost' to database 'x'",
    ]);
    assertEquals(await errorOf(u, "DROP DATABASE d"), [
      1044,
      "Access denied for user 'u'@'localhost' to database 'd'",
    ]);
    assertEquals(await errorOf(u, "SELECT * FROM other.o"), denied("SELECT", "o"));
    // A missing table the account could not read anyway is 1142, not 1146 (MySQL hides it).
    assertEquals(await errorOf(u, "SELECT * FROM other.nosuch"), denied("SELECT", "nosuch"));
    assertEquals(await errorOf(u, "SELECT nocol FROM other.o"), denied("SELECT", "o"));
    // Joins and subqueries need SELECT on every table they read.
    assertEquals(
      await errorOf(u, "SELECT * FROM d.t JOIN other.o ON o.id = t.id"),
      denied("SELECT", "o"),
    );
    assertEquals(
      await errorOf(u, "SELECT * FROM d.t WHERE id IN (SELECT id FROM other.o)"),
      denied("SELECT", "o"),
    );
    assertEquals(await errorOf(u, "SET @x = (SELECT id FROM other.o)"), denied("SELECT", "o"));
    assertEquals(await errorOf(u, "DESCRIBE other.o"), denied("SELECT", "o"));
    const dbs = await u.execute("SHOW DATABASES");
    assertEquals(dbs.kind === "rows" ? dbs.rows : null, [
      ["d"],
      ["information_schema"],
      ["performance_schema"],
    ]);
    const tables = await u.execute("SHOW TABLES FROM d");
    assertEquals(tables.kind === "rows" ? tables.rows : null, [["t"], ["w"]]);
    // information_schema is readable by every account.
    const schemata = await u.execute("SELECT count(*) > 0 FROM information_schema.SCHEMATA");
    assertEquals(schemata.kind === "rows" ? schemata.rows : null, [[1]]);
  } finally {
    u.close();
  }
});

Deno.test("global privileges: SET GLOBAL, SHUTDOWN, KILL of another user's thread", async () => {
  using f = new EngineFixture();
  let canKillAny: boolean | null = null;
  const link: ServerLink = {
    ...fakeLink(),
    kill: (_id, options) => {
      canKillAny = options.canKillAny;
      return Promise.resolve();
    },
  };
  const u = await restricted(f, link);
  try {
    assertEquals(await errorOf(u, "SET GLOBAL max_connections = 10"), [
      1227,
      "Access denied; you need (at least one of) the SUPER or SYSTEM_VARIABLES_ADMIN privilege(s) for this operation",
    ]);
    assertEquals(await errorOf(u, "SHUTDOWN"), [
      1227,
      "Access denied; you need (at least one of) the SHUTDOWN privilege(s) for this operation",
    ]);
    await u.execute("KILL 99");
    assertEquals(canKillAny, false);
    // GRANT elsewhere moves the catalog epoch; the session re-reads its privileges.
    await f.run("GRANT INSERT ON d.t TO 'u'@'localhost'");
    await u.execute("INSERT INTO d.t VALUES (3, 30)");
  } finally {
    u.close();
  }
});

Deno.test("root pays nothing: every statement is allowed", async () => {
  using f = new EngineFixture();
  const u = await restricted(f);
  u.close();
  await f.run("USE other", "INSERT INTO o VALUES (1)", "DELETE FROM o WHERE id = 1");
  await f.run("SET GLOBAL max_connections = 10");
});
