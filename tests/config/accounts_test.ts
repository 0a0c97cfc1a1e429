import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import { AccountStore, bootstrapAccounts } from "../../server/auth/account_store.ts";
import { hostMatches } from "../../server/auth/host_match.ts";
import { MysqlError } from "../../server/errors/mysql_error.ts";
import {
  type AccountContext,
  executeAccountStatement,
  isAccountStatement,
} from "../../server/sql/account_statements.ts";
import { tokenize } from "../../server/sql/lexer.ts";
import type { RowsResult, SessionIdentity } from "../../server/sql/types.ts";

function sha1Hex(data: Uint8Array | string): string {
  return createHash("sha1").update(data).digest("hex").toUpperCase();
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
}

function freshDb(rootPassword: string | null = null): DatabaseSync {
  const db = new DatabaseSync(":memory:");
  bootstrapAccounts(db, { rootPassword });
  return db;
}

/** Run statements as user@host with privileges loaded from the store, like a session does. */
function session(db: DatabaseSync, user = "root", host = "localhost") {
  const identity: SessionIdentity = {
    connectionId: 1,
    user,
    host: "localhost",
    accountHost: host,
    db: null,
    interactive: false,
  };
  const notes: string[] = [];
  let epoch = 0;
  const run = (sql: string) => {
    const ctx: AccountContext = {
      db,
      identity,
      privileges: new AccountStore(db).privilegesFor(user, host),
      bumpEpoch: () => epoch++,
      currentDb: "app",
      warn: (code, message) => notes.push(`${code} ${message}`),
    };
    return executeAccountStatement(tokenize(sql), sql, ctx);
  };
  const grants = (sql: string) => (run(sql) as RowsResult).rows.map((r) => r[0]);
  return { run, grants, notes, epoch: () => epoch };
}

function fails(fn: () => unknown, code: number, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof MysqlError, String(e));
    assert.equal(e.message, message);
    assert.equal(e.code, code);
    return true;
  });
}

Deno.test("accounts: host patterns match as MySQL's do", () => {
  assert.ok(hostMatches("%", "10.1.2.3"));
  assert.ok(hostMatches("10.1.%", "10.1.2.3"));
  assert.ok(!hostMatches("10.1.%", "10.2.2.3"));
  assert.ok(hostMatches("host_", "host1"));
  assert.ok(!hostMatches("host_", "host12"));
  assert.ok(hostMatches("LocalHost", "localhost"));
  assert.ok(hostMatches("192.168.1.0/255.255.255.0", "192.168.1.77"));
  assert.ok(!hostMatches("192.168.1.0/255.255.255.0", "192.168.2.77"));
});

Deno.test("accounts: bootstrap creates root@localhost once, loopback finds it", () => {
  const db = freshDb("secret");
  assert.equal(bootstrapAccounts(db, { rootPassword: "other" }), false, "idempotent");
  const store = new AccountStore(db);
  for (const client of ["localhost", "127.0.0.1", "::1"]) {
    const a = store.findAccount("root", client);
    assert.equal(a?.host, "localhost", client);
  }
  const root = store.findAccount("root", "localhost")!;
  const stage1 = createHash("sha1").update("secret").digest();
  assert.equal(hex(root.nativeHash!), sha1Hex(stage1));
  assert.equal(root.sha2Hash?.length, 32);
  assert.equal(root.locked, false);
  assert.equal(store.findAccount("root", "10.0.0.5"), null);
  assert.equal(store.findAccount("mysql.sys", "localhost")?.locked, true);
  const row = db.prepare(`SELECT authentication_string FROM "mysql.user" WHERE User='root'`).get();
  assert.equal(row?.authentication_string, `*${sha1Hex(stage1)}`);
  const empty = freshDb();
  assert.equal(new AccountStore(empty).findAccount("root", "localhost")?.nativeHash, null);
  empty.close();
  db.close();
});

Deno.test("accounts: the most specific host wins", () => {
  const db = freshDb();
  const s = session(db);
  s.run("CREATE USER 'app'@'%' IDENTIFIED BY 'a'");
  s.run("CREATE USER 'app'@'10.0.%' IDENTIFIED BY 'b'");
  s.run("CREATE USER app@'10.0.0.7' IDENTIFIED WITH caching_sha2_password BY 'c'");
  const store = new AccountStore(db);
  assert.equal(store.findAccount("app", "10.0.0.7")?.host, "10.0.0.7");
  assert.equal(store.findAccount("app", "10.0.0.8")?.host, "10.0.%");
  assert.equal(store.findAccount("app", "192.168.0.1")?.host, "%");
  assert.equal(store.findAccount("app", "10.0.0.7")?.plugin, "caching_sha2_password");
  db.close();
});

Deno.test("accounts: SHOW GRANTS text and column", () => {
  const db = freshDb();
  const s = session(db);
  const result = s.run("SHOW GRANTS") as RowsResult;
  assert.equal(result.columns[0]!.name, "Grants for root@localhost");
  assert.equal(result.columns[0]!.type, 0xfd);
  assert.equal(result.columns[0]!.charset, 45);
  assert.deepEqual(result.rows, [[
    "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION",
  ]]);
  assert.deepEqual(s.grants("SHOW GRANTS FOR CURRENT_USER()"), [
    "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION",
  ]);

  s.run("CREATE USER 'jeffrey'@'localhost' IDENTIFIED BY 'pw'");
  assert.deepEqual(s.grants("SHOW GRANTS FOR 'jeffrey'@'localhost'"), [
    "GRANT USAGE ON *.* TO `jeffrey`@`localhost`",
  ]);
  db.exec(`CREATE TABLE "db1.t1" (a INT)`);
  s.run("GRANT UPDATE, SELECT, INSERT ON db1.* TO 'jeffrey'@'localhost'");
  s.run("GRANT ALL ON `db2`.* TO jeffrey@localhost WITH GRANT OPTION");
  s.run("GRANT SELECT ON db1.t1 TO 'jeffrey'@'localhost'");
  s.run("GRANT PROCESS, CONNECTION_ADMIN ON *.* TO 'jeffrey'@'localhost'");
  assert.deepEqual(s.grants("SHOW GRANTS FOR 'jeffrey'@'localhost'"), [
    "GRANT PROCESS ON *.* TO `jeffrey`@`localhost`",
    "GRANT CONNECTION_ADMIN ON *.* TO `jeffrey`@`localhost`",
    "GRANT SELECT, INSERT, UPDATE ON `db1`.* TO `jeffrey`@`localhost`",
    "GRANT ALL PRIVILEGES ON `db2`.* TO `jeffrey`@`localhost` WITH GRANT OPTION",
    "GRANT SELECT ON `db1`.`t1` TO `jeffrey`@`localhost`",
  ]);
  const p = new AccountStore(db).privilegesFor("jeffrey", "localhost");
  assert.ok(p.table("db1", "t1", "SELECT"));
  assert.ok(p.table("db1", "other", "INSERT"));
  assert.ok(!p.table("db1", "t1", "DELETE"));
  assert.ok(p.database("db2", "DROP"));
  assert.ok(p.global("CONNECTION_ADMIN"));
  assert.ok(!p.global("SUPER"));

  s.run("REVOKE INSERT ON db1.* FROM 'jeffrey'@'localhost'");
  s.run("REVOKE SELECT ON db1.t1 FROM 'jeffrey'@'localhost'");
  assert.deepEqual(s.grants("SHOW GRANTS FOR 'jeffrey'@'localhost'").slice(2), [
    "GRANT SELECT, UPDATE ON `db1`.* TO `jeffrey`@`localhost`",
    "GRANT ALL PRIVILEGES ON `db2`.* TO `jeffrey`@`localhost` WITH GRANT OPTION",
  ]);
  s.run("REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'jeffrey'@'localhost'");
  assert.deepEqual(s.grants("SHOW GRANTS FOR 'jeffrey'@'localhost'"), [
    "GRANT USAGE ON *.* TO `jeffrey`@`localhost`",
  ]);
  db.close();
});

Deno.test("accounts: statement errors carry MySQL's codes and texts", () => {
  const db = freshDb();
  const s = session(db);
  s.run("CREATE USER 'u'@'h' IDENTIFIED BY 'pw'");
  fails(() => s.run("CREATE USER 'u'@'h'"), 1396, "Operation CREATE USER failed for 'u'@'h'");
  fails(() => s.run("DROP USER 'v'@'h'"), 1396, "Operation DROP USER failed for 'v'@'h'");
  fails(
    () => s.run("GRANT SELECT ON *.* TO 'nobody'@'%'"),
    1410,
    "You are not allowed to create a user with GRANT",
  );
  fails(
    () => s.run("REVOKE SELECT ON db9.* FROM 'u'@'h'"),
    1141,
    "There is no such grant defined for user 'u' on host 'h'",
  );
  fails(
    () => s.run("SHOW GRANTS FOR 'ghost'"),
    1141,
    "There is no such grant defined for user 'ghost' on host '%'",
  );
  fails(
    () => s.run("GRANT SUPER ON db1.* TO 'u'@'h'"),
    1221,
    "Incorrect usage of DB GRANT and GLOBAL PRIVILEGES",
  );
  fails(() => s.run("GRANT SELECT ON db1.nope TO 'u'@'h'"), 1146, "Table 'db1.nope' doesn't exist");
  fails(
    () => s.run("RENAME USER 'u'@'h' TO 'root'@'localhost'"),
    1396,
    "Operation RENAME USER failed for 'u'@'h'",
  );

  s.run("CREATE USER IF NOT EXISTS 'u'@'h'");
  assert.deepEqual(s.notes, ["3163 Authorization ID 'u'@'h' already exists."]);
  s.run("DROP USER IF EXISTS 'v'@'h'");
  assert.equal(s.notes[1], "3162 Authorization ID 'v'@'h' does not exist.");

  const u = session(db, "u", "h");
  fails(
    () => u.run("CREATE USER 'x'@'%'"),
    1227,
    "Access denied; you need (at least one of) the CREATE USER privilege(s) for this operation",
  );
  fails(
    () => u.run("GRANT SELECT ON *.* TO 'u'@'h'"),
    1045,
    "Access denied for user 'u'@'h' (using password: YES)",
  );
  fails(
    () => u.run("GRANT SELECT ON db1.* TO 'u'@'h'"),
    1044,
    "Access denied for user 'u'@'h' to database 'db1'",
  );
  fails(
    () => u.run("SHOW GRANTS FOR root@localhost"),
    1044,
    "Access denied for user 'u'@'h' to database 'mysql'",
  );
  fails(
    () => u.run("FLUSH PRIVILEGES"),
    1227,
    "Access denied; you need (at least one of) the RELOAD privilege(s) for this operation",
  );
  u.run("SET PASSWORD = 'new'");
  u.run("ALTER USER USER() IDENTIFIED BY 'newer'");
  const stage2 = sha1Hex(createHash("sha1").update("newer").digest());
  assert.equal(hex(new AccountStore(db).findAccount("u", "h")!.nativeHash!), stage2);
  db.close();
});

Deno.test("accounts: CREATE, ALTER, RENAME, DROP change what login finds", () => {
  const db = freshDb();
  const s = session(db);
  const store = new AccountStore(db);
  s.run("CREATE USER 'a'@'%' IDENTIFIED BY 'x' ACCOUNT LOCK");
  assert.equal(store.findAccount("a", "1.2.3.4")?.locked, true);
  s.run("ALTER USER 'a'@'%' ACCOUNT UNLOCK");
  assert.equal(store.findAccount("a", "1.2.3.4")?.locked, false);
  s.run(
    "ALTER USER 'a'@'%' IDENTIFIED WITH mysql_native_password AS '*0000000000000000000000000000000000000000'",
  );
  assert.equal(store.findAccount("a", "1.2.3.4")?.sha2Hash, null);
  s.run("GRANT SELECT ON app.* TO 'a'@'%'");
  s.run("RENAME USER 'a'@'%' TO 'b'@'localhost'");
  assert.equal(store.findAccount("a", "1.2.3.4"), null);
  assert.ok(store.privilegesFor("b", "localhost").database("app", "SELECT"));
  s.run("DROP USER 'b'@'localhost'");
  assert.equal(store.findAccount("b", "localhost"), null);
  assert.ok(!store.privilegesFor("b", "localhost").database("app", "SELECT"));
  assert.ok(s.epoch() >= 5, "every change bumps the account epoch");
  s.run("FLUSH PRIVILEGES");
  const show = s.run("SHOW CREATE USER root@localhost") as RowsResult;
  assert.match(
    String(show.rows[0]![0]),
    /^CREATE USER `root`@`localhost` IDENTIFIED WITH 'mysql_native_password' REQUIRE NONE/,
  );
  db.close();
});

Deno.test("accounts: isAccountStatement picks the statements it runs", () => {
  for (
    const sql of [
      "CREATE USER a",
      "drop user a",
      "GRANT SELECT ON *.* TO a",
      "SHOW GRANTS",
      "SET PASSWORD = 'x'",
      "FLUSH PRIVILEGES",
    ]
  ) {
    assert.ok(isAccountStatement(tokenize(sql)), sql);
  }
  for (
    const sql of ["CREATE TABLE t (a int)", "SET @@autocommit = 1", "SHOW TABLES", "FLUSH TABLES"]
  ) {
    assert.ok(!isAccountStatement(tokenize(sql)), sql);
  }
});
