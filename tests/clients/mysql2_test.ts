/**
 * npm `mysql2` against the server: the text and binary protocols, pools, transactions, errors,
 * multi-statements and the OK packet's counters, as an application sees them.
 */

import assert from "node:assert/strict";
import mysql from "mysql2/promise";
import { startServer } from "../helpers/server_process.ts";
import { assertSqlError, connectMysql2 } from "../helpers/mysql2_client.ts";

type Rows = mysql.RowDataPacket[];
type Ok = mysql.ResultSetHeader;

const TYPES_DDL = `CREATE TABLE typed (
  id INT NOT NULL PRIMARY KEY,
  big BIGINT UNSIGNED,
  price DECIMAL(10,2),
  ratio DOUBLE,
  name VARCHAR(50),
  at DATETIME,
  day DATE,
  data BLOB
)`;

const TYPES_INSERT = `INSERT INTO typed VALUES
  (1, 18446744073709551615, 12.34, 0.5, 'héllo 😀', '2024-02-29 13:14:15', '2024-02-29', x'00ff41'),
  (2, 42, -0.05, -1.25e10, '', '1999-12-31 23:59:59', '1970-01-01', ''),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`;

/** Checks the JS values mysql2 builds from the three `typed` rows (same for text and binary). */
function assertTypedRows(rows: Rows): void {
  assert.equal(rows.length, 3);
  const [r1, r2, r3] = rows;
  assert.deepEqual(
    { ...r1, at: r1?.at.toISOString(), day: r1?.day.toISOString(), data: [...r1?.data] },
    {
      id: 1,
      big: "18446744073709551615",
      price: "12.34",
      ratio: 0.5,
      name: "héllo 😀",
      at: "2024-02-29T13:14:15.000Z",
      day: "2024-02-29T00:00:00.000Z",
      data: [0x00, 0xff, 0x41],
    },
  );
  assert.ok(r1?.data instanceof Uint8Array, "BLOB comes back as a Buffer");
  assert.equal(r2?.big, 42);
  assert.equal(r2?.price, "-0.05");
  assert.equal(r2?.ratio, -1.25e10);
  assert.equal(r2?.name, "");
  assert.equal(r2?.at.toISOString(), "1999-12-31T23:59:59.000Z");
  assert.equal(r2?.data.length, 0);
  assert.deepEqual({ ...r3 }, {
    id: 3,
    big: null,
    price: null,
    ratio: null,
    name: null,
    at: null,
    day: null,
    data: null,
  });
}

Deno.test("mysql2: queries, prepared statements, pools, transactions, errors", async (t) => {
  await using srv = await startServer();
  const opts = { database: "app", timezone: "Z", supportBigNumbers: true } as const;
  const admin = await connectMysql2(srv);
  await admin.query("CREATE DATABASE app CHARACTER SET utf8mb4");
  const conn = await connectMysql2(srv, opts);
  try {
    await t.step("server reports a version", async () => {
      const [rows] = await conn.query<Rows>("SELECT VERSION() AS v, 1 + 1 AS two");
      assert.equal(rows[0]?.two, 2);
      if (srv.target === "mydeno") assert.match(rows[0]?.v, /^8\.0\.36-mydeno-/);
    });

    await t.step("text protocol returns the right JS types", async () => {
      await conn.query(TYPES_DDL);
      const [ok] = await conn.query<Ok>(TYPES_INSERT);
      assert.equal(ok.affectedRows, 3);
      const [rows] = await conn.query<Rows>("SELECT * FROM typed ORDER BY id");
      assertTypedRows(rows);
    });

    await t.step("binary protocol (execute) returns the same JS types", async () => {
      const [rows] = await conn.execute<Rows>("SELECT * FROM typed WHERE id >= ? ORDER BY id", [1]);
      assertTypedRows(rows);
    });

    await t.step("execute reuses a prepared statement with new values", async () => {
      await conn.query("CREATE TABLE kv (k INT PRIMARY KEY, v VARCHAR(20))");
      for (let i = 1; i <= 5; i++) {
        const [ok] = await conn.execute<Ok>("INSERT INTO kv (k, v) VALUES (?, ?)", [i, `v${i}`]);
        assert.equal(ok.affectedRows, 1);
      }
      for (let i = 1; i <= 5; i++) {
        const [rows] = await conn.execute<Rows>("SELECT v FROM kv WHERE k = ?", [i]);
        assert.deepEqual(rows.map((r) => r.v), [`v${i}`]);
      }
      const [none] = await conn.execute<Rows>("SELECT v FROM kv WHERE k = ?", [99]);
      assert.equal(none.length, 0);
      const [nulls] = await conn.execute<Rows>("SELECT ? AS a, ? AS b", [null, "x"]);
      assert.deepEqual({ ...nulls[0] }, { a: null, b: "x" });
    });

    await t.step("a pool runs concurrent queries on several connections", async () => {
      const pool = mysql.createPool({
        host: srv.host,
        port: srv.port,
        user: "root",
        ...opts,
        connectionLimit: 4,
      });
      try {
        await pool.query("CREATE TABLE hits (n INT PRIMARY KEY, conn_id BIGINT)");
        const results = await Promise.all(
          Array.from({ length: 40 }, async (_, n) => {
            await pool.execute("INSERT INTO hits VALUES (?, CONNECTION_ID())", [n]);
            const [rows] = await pool.query<Rows>("SELECT ? * 2 AS d", [n]);
            return rows[0]?.d;
          }),
        );
        assert.deepEqual(results, Array.from({ length: 40 }, (_, n) => n * 2));
        const [rows] = await pool.query<Rows>(
          "SELECT COUNT(*) AS c, COUNT(DISTINCT conn_id) AS conns FROM hits",
        );
        assert.equal(Number(rows[0]?.c), 40);
        assert.ok(
          Number(rows[0]?.conns) >= 2,
          `expected several connections, got ${rows[0]?.conns}`,
        );
      } finally {
        await pool.end();
      }
    });

    await t.step("rollback discards, commit keeps", async () => {
      await conn.query("CREATE TABLE acct (id INT PRIMARY KEY, bal INT) ENGINE=InnoDB");
      const other = await connectMysql2(srv, opts);
      try {
        await conn.beginTransaction();
        await conn.query("INSERT INTO acct VALUES (1, 100)");
        const [inside] = await conn.query<Rows>("SELECT COUNT(*) AS c FROM acct");
        assert.equal(Number(inside[0]?.c), 1, "own uncommitted row is visible");
        const [outside] = await other.query<Rows>("SELECT COUNT(*) AS c FROM acct");
        assert.equal(Number(outside[0]?.c), 0, "uncommitted row is invisible to others");
        await conn.rollback();
        const [after] = await conn.query<Rows>("SELECT COUNT(*) AS c FROM acct");
        assert.equal(Number(after[0]?.c), 0);

        await conn.beginTransaction();
        await conn.query("INSERT INTO acct VALUES (2, 200)");
        await conn.query("UPDATE acct SET bal = bal + 1 WHERE id = 2");
        await conn.commit();
        const [seen] = await other.query<Rows>("SELECT id, bal FROM acct");
        assert.deepEqual(seen.map((r) => [r.id, r.bal]), [[2, 201]]);
      } finally {
        await other.end();
      }
    });

    await t.step("errors carry MySQL codes and the connection stays usable", async () => {
      await assertSqlError(conn.query("SELECT * FROM no_such_table"), {
        errno: 1146,
        sqlState: "42S02",
        message: "Table 'app.no_such_table' doesn't exist",
      });
      await assertSqlError(conn.query("SELEC 1"), {
        errno: 1064,
        sqlState: "42000",
        message: /You have an error in your SQL syntax; .* near 'SELEC 1' at line 1$/,
      });
      await assertSqlError(conn.query("SELECT 1 FROM kv WHERE k = = 1"), {
        errno: 1064,
        message: /near '= 1' at line 1$/,
      });
      await assertSqlError(conn.query("INSERT INTO kv VALUES (1, 'again')"), {
        errno: 1062,
        sqlState: "23000",
        message: /^Duplicate entry '1' for key '(kv\.)?PRIMARY'$/,
      });
      await assertSqlError(conn.query("SELECT nope FROM kv"), {
        errno: 1054,
        sqlState: "42S22",
        // MySQL 8.0 says 'field list'; MariaDB 10.11 names the statement.
        message: /^Unknown column 'nope' in '(field list|SELECT)'$/,
      });
      await assertSqlError(conn.query("USE no_such_db"), {
        errno: 1049,
        sqlState: "42000",
        message: "Unknown database 'no_such_db'",
      });
      await assertSqlError(conn.execute("SELECT * FROM no_such_table WHERE a = ?", [1]), {
        errno: 1146,
      });
      const [rows] = await conn.query<Rows>("SELECT COUNT(*) AS c FROM kv");
      assert.equal(Number(rows[0]?.c), 5, "the failed INSERT changed nothing");
      const [db] = await conn.query<Rows>("SELECT DATABASE() AS d");
      assert.equal(db[0]?.d, "app", "a failed USE keeps the current database");
    });

    await t.step("connecting to an unknown database fails with 1049", async () => {
      await assertSqlError(connectMysql2(srv, { database: "no_such_db" }), {
        errno: 1049,
        message: "Unknown database 'no_such_db'",
      });
    });

    await t.step("a wrong password fails with 1045", async () => {
      await assertSqlError(connectMysql2(srv, { password: "wrong" }), {
        errno: 1045,
        sqlState: "28000",
        message: /^Access denied for user 'root'@'[^']+' \(using password: YES\)$/,
      });
    });

    await t.step("multiple statements in one query", async () => {
      const multi = await connectMysql2(srv, { ...opts, multipleStatements: true });
      try {
        const [results] = await multi.query<Rows[] & Ok[]>(
          "SELECT 1 AS a; INSERT INTO kv VALUES (10, 'ten'); SELECT v FROM kv WHERE k = 10",
        );
        assert.equal(results.length, 3);
        assert.deepEqual(results[0]?.map((r) => ({ ...r })), [{ a: 1 }]);
        assert.equal((results[1] as unknown as Ok).affectedRows, 1);
        assert.deepEqual(results[2]?.map((r) => r.v), ["ten"]);
        await assertSqlError(multi.query("SELECT 1; SELECT * FROM no_such_table; SELECT 3"), {
          errno: 1146,
        });
        const [after] = await multi.query<Rows>("SELECT 4 AS four");
        assert.equal(after[0]?.four, 4);
      } finally {
        await multi.end();
      }
      await assertSqlError(conn.query("SELECT 1; SELECT 2"), { errno: 1064 });
    });

    await t.step("AUTO_INCREMENT sets insertId and LAST_INSERT_ID()", async () => {
      await conn.query("CREATE TABLE seq (id INT AUTO_INCREMENT PRIMARY KEY, s VARCHAR(10))");
      const [one] = await conn.query<Ok>("INSERT INTO seq (s) VALUES ('a')");
      assert.equal(one.insertId, 1);
      const [three] = await conn.query<Ok>("INSERT INTO seq (s) VALUES ('b'), ('c'), ('d')");
      assert.equal(three.insertId, 2, "a multi-row insert reports its first id");
      assert.equal(three.affectedRows, 3);
      const [last] = await conn.query<Rows>("SELECT LAST_INSERT_ID() AS id");
      assert.equal(Number(last[0]?.id), 2);
      const [prep] = await conn.execute<Ok>("INSERT INTO seq (s) VALUES (?)", ["e"]);
      assert.equal(prep.insertId, 5);
      const [explicit] = await conn.query<Ok>("INSERT INTO seq (id, s) VALUES (100, 'f')");
      assert.equal(explicit.insertId, 100);
      const [next] = await conn.query<Ok>("INSERT INTO seq (s) VALUES ('g')");
      assert.equal(next.insertId, 101);
    });

    await t.step("UPDATE and DELETE report affectedRows and changedRows", async () => {
      // mysql2 sets CLIENT_FOUND_ROWS, so affectedRows counts matched rows.
      const [upd] = await conn.query<Ok>("UPDATE seq SET s = 'b' WHERE id IN (2, 3, 4)");
      assert.equal(upd.affectedRows, 3);
      assert.equal(upd.changedRows, 2);
      const [none] = await conn.query<Ok>("UPDATE seq SET s = 'z' WHERE id = 999");
      assert.equal(none.affectedRows, 0);
      const [del] = await conn.query<Ok>("DELETE FROM seq WHERE s = 'b'");
      assert.equal(del.affectedRows, 3);
      const [rows] = await conn.query<Rows>("SELECT id FROM seq ORDER BY id");
      assert.deepEqual(rows.map((r) => r.id), [1, 5, 100, 101]);
    });

    await t.step("without CLIENT_FOUND_ROWS affectedRows counts changed rows", async () => {
      const plain = await connectMysql2(srv, { ...opts, flags: ["-FOUND_ROWS"] });
      try {
        await plain.query("UPDATE seq SET s = 'x' WHERE id = 1");
        const [upd] = await plain.query<Ok>("UPDATE seq SET s = 'x' WHERE id IN (1, 5)");
        assert.equal(upd.affectedRows, 1);
      } finally {
        await plain.end();
      }
    });
  } finally {
    await conn.end();
    await admin.end();
  }
});
