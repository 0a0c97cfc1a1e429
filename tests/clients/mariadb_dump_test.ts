/**
 * `mariadb-dump` of a database restored through `mariadb` into another database gives the same
 * tables, definitions and rows.
 */

import assert from "node:assert/strict";
import type mysql from "mysql2/promise";
import { startServer } from "../helpers/server_process.ts";
import { assertClientOk, mariadbArgs, runClient } from "../helpers/run_client.ts";
import { connectMysql2 } from "../helpers/mysql2_client.ts";

type Rows = mysql.RowDataPacket[];

const SETUP = [
  "CREATE DATABASE src CHARACTER SET utf8mb4",
  `CREATE TABLE src.people (
    id INT NOT NULL AUTO_INCREMENT,
    name VARCHAR(100) NOT NULL,
    email VARCHAR(100) DEFAULT NULL,
    note TEXT,
    born DATE DEFAULT NULL,
    score DECIMAL(8,3) DEFAULT NULL,
    ratio DOUBLE DEFAULT NULL,
    active TINYINT(1) NOT NULL DEFAULT 1,
    big BIGINT UNSIGNED DEFAULT NULL,
    photo BLOB,
    created DATETIME DEFAULT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uk_email (email),
    KEY idx_name (name)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  `INSERT INTO src.people (name, email, note, born, score, ratio, active, big, photo, created)
   VALUES
   ('O''Brien', 'ob@example.com', 'it''s "quoted"', '1980-05-17', 12.5, 0.25, 1,
     18446744073709551615, x'00010203fffe', '2020-01-02 03:04:05'),
   ('back\\\\slash', 'bs@example.com', 'tab\\there\\nnewline', '2000-02-29', -0.001, -1e-7, 0,
     0, x'', '1999-12-31 23:59:59'),
   ('日本語 😀 ñ', NULL, NULL, NULL, NULL, NULL, 1, NULL, NULL, NULL),
   ('nul\\0byte', 'nul@example.com', '', '1970-01-01', 99999.999, 1e300, 1, 42, x'5c27', NULL)`,
  `CREATE TABLE src.pairs (
    a INT NOT NULL,
    b VARCHAR(10) NOT NULL,
    c INT DEFAULT NULL,
    PRIMARY KEY (a, b)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  "INSERT INTO src.pairs VALUES (1, 'x', NULL), (1, 'y', 2), (2, 'x', -3)",
  `CREATE TABLE src.empty_one (
    id BIGINT NOT NULL,
    v VARCHAR(5) DEFAULT 'dflt',
    PRIMARY KEY (id)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
];

/** Rows of a table in key order, with BLOBs as hex, for comparing two databases. */
async function tableRows(conn: mysql.Connection, db: string, table: string): Promise<unknown[]> {
  const [rows] = await conn.query<Rows>(`SELECT * FROM \`${db}\`.\`${table}\` ORDER BY 1, 2`);
  return rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, v instanceof Uint8Array ? `hex:${toHex(v)}` : v]),
    )
  );
}

function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function showCreate(conn: mysql.Connection, db: string, table: string): Promise<string> {
  const [rows] = await conn.query<Rows>(`SHOW CREATE TABLE \`${db}\`.\`${table}\``);
  return rows[0]?.["Create Table"] as string;
}

Deno.test("mariadb-dump output restores into another database unchanged", async () => {
  await using srv = await startServer();
  const conn = await connectMysql2(srv, {
    timezone: "Z",
    supportBigNumbers: true,
    dateStrings: true,
  });
  try {
    for (const sql of SETUP) await conn.query(sql);

    const dump = await runClient("mariadb-dump", [...mariadbArgs(srv), "src"], {
      timeoutMs: 60_000,
    });
    assertClientOk(dump, "mariadb-dump src");
    assert.match(dump.stdout, /CREATE TABLE `people`/);
    assert.match(dump.stdout, /INSERT INTO `people` VALUES/);
    assert.match(dump.stdout, /-- Dump completed/);

    await conn.query("CREATE DATABASE dst CHARACTER SET utf8mb4");
    const load = await runClient("mariadb", [...mariadbArgs(srv), "dst"], {
      stdin: dump.stdoutBytes, // byte for byte: BLOBs are dumped raw
      timeoutMs: 60_000,
    });
    assertClientOk(load, "mariadb dst < dump");

    const [tables] = await conn.query<Rows>(
      "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1",
      ["dst"],
    );
    assert.deepEqual(tables.map((r) => r.t), ["empty_one", "pairs", "people"]);
    for (const table of ["people", "pairs", "empty_one"]) {
      assert.equal(
        await showCreate(conn, "dst", table),
        await showCreate(conn, "src", table),
        `SHOW CREATE TABLE ${table}`,
      );
      assert.deepEqual(
        await tableRows(conn, "dst", table),
        await tableRows(conn, "src", table),
        `rows of ${table}`,
      );
    }
    const people = await tableRows(conn, "dst", "people");
    assert.equal(people.length, 4);
    assert.deepEqual(
      people.map((r) => (r as { name: string }).name),
      ["O'Brien", "back\\slash", "日本語 😀 ñ", "nul\0byte"],
    );

    // The AUTO_INCREMENT counter came along: both hand out the same next id.
    const next = [];
    for (const db of ["src", "dst"]) {
      const [ok] = await conn.query<mysql.ResultSetHeader>(
        `INSERT INTO ${db}.people (name) VALUES ('next')`,
      );
      next.push(ok.insertId);
    }
    assert.deepEqual(next, [5, 5]);
  } finally {
    await conn.end();
  }
});
