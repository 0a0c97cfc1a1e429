/**
 * Other languages' drivers against the server, each logging in with a password as a user made
 * by CREATE USER / GRANT: PyMySQL, Perl DBD::MariaDB, and Connector/J with server-side prepared
 * statements. Each peer program lives in ./drivers/ and prints rows as `id|name|amount`.
 */

import assert from "node:assert/strict";
import { startServer } from "../helpers/server_process.ts";
import type { ServerProcess } from "../helpers/server_process.ts";
import { assertClientOk, runClient } from "../helpers/run_client.ts";
import { connectMysql2 } from "../helpers/mysql2_client.ts";

const DRIVERS_DIR = decodeURIComponent(new URL("./drivers/", import.meta.url).pathname);
const CONNECTOR_J_JAR = "/usr/share/java/mariadb-java-client.jar";
const UTF8_ENV = { LC_ALL: "C.UTF-8", PYTHONIOENCODING: "utf-8" };

/** What every peer prints: two parameterised reads, its insert read back, the refused login. */
function expected(id: number, prefix: string): string {
  return [
    "1|alpha|10.00",
    "2|it's|-2.50",
    "3|日本 ☃|NULL",
    "--",
    "2|it's|-2.50",
    "3|日本 ☃|NULL",
    "--",
    "inserted 1",
    `${id}|${prefix} 'q' \\ ☃|1.50`,
    "denied 1045",
    "",
  ].join("\n");
}

async function setUp(srv: ServerProcess): Promise<void> {
  const conn = await connectMysql2(srv);
  try {
    await conn.query("CREATE DATABASE drv CHARACTER SET utf8mb4");
    await conn.query(
      "CREATE TABLE drv.t (id INT PRIMARY KEY, name VARCHAR(50), amount DECIMAL(10,2))",
    );
    await conn.query(
      "INSERT INTO drv.t VALUES (1, 'alpha', 10), (2, 'it''s', -2.5), (3, '日本 ☃', NULL)",
    );
    await conn.query("CREATE USER 'u'@'%' IDENTIFIED BY 'pw'");
    await conn.query("GRANT ALL ON drv.* TO 'u'@'%'");
  } finally {
    await conn.end();
  }
}

Deno.test("drivers: PyMySQL, DBD::MariaDB, Connector/J with a password user", async (t) => {
  await using srv = await startServer();
  await setUp(srv);
  const login = [String(srv.port), "u", "pw", "drv"];

  await t.step("PyMySQL (Debian python3-pymysql)", async () => {
    // /usr/bin/python3 is Debian's, which has python3-pymysql; a pyenv python3 may not.
    const res = await runClient("/usr/bin/python3", [`${DRIVERS_DIR}pymysql_client.py`, ...login], {
      env: UTF8_ENV,
      timeoutMs: 60_000,
    });
    assertClientOk(res, "pymysql_client.py");
    assert.equal(res.stdout, expected(101, "py"));
  });

  await t.step("Perl DBI with DBD::MariaDB", async () => {
    const res = await runClient("perl", [`${DRIVERS_DIR}dbd_mariadb_client.pl`, ...login], {
      env: UTF8_ENV,
      timeoutMs: 60_000,
    });
    assertClientOk(res, "dbd_mariadb_client.pl");
    assert.equal(res.stdout, expected(102, "pl"));
  });

  await t.step("Connector/J PreparedStatement with useServerPrepStmts=true", async () => {
    const res = await runClient("java", [
      "-Dfile.encoding=UTF-8",
      "-cp",
      CONNECTOR_J_JAR,
      `${DRIVERS_DIR}ConnectorJClient.java`,
      ...login,
    ], { env: UTF8_ENV, timeoutMs: 120_000 });
    assertClientOk(res, "ConnectorJClient.java");
    assert.equal(res.stdout, expected(103, "j"));
  });

  await t.step("the grants let u see only drv", async () => {
    const conn = await connectMysql2(srv, { user: "u", password: "pw" });
    try {
      const [rows] = await conn.query("SHOW DATABASES");
      const names = (rows as { Database: string }[]).map((r) => r.Database);
      assert.ok(names.includes("drv"), `u sees drv: ${names}`);
      assert.ok(!names.includes("mysql"), `u does not see mysql: ${names}`);
    } finally {
      await conn.end();
    }
  });
});
