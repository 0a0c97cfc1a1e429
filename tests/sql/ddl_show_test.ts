/** DDL and SHOW / information_schema, as mariadb-dump and the mariadb CLI use them. */

import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { EngineFixture } from "./_engine_fixture.ts";

const TABLE =
  "CREATE TABLE `t1` (`id` int unsigned NOT NULL AUTO_INCREMENT, `name` varchar(20) DEFAULT NULL, " +
  "`price` decimal(10,2) NOT NULL DEFAULT '0.00', `created` datetime DEFAULT CURRENT_TIMESTAMP, " +
  "`data` blob, PRIMARY KEY (`id`), UNIQUE KEY `uname` (`name`), KEY `price` (`price`)) ENGINE=InnoDB";

Deno.test("SHOW CREATE TABLE round-trips in MySQL 8.0's format", async () => {
  using f = new EngineFixture();
  await f.run(
    "CREATE DATABASE d",
    "USE d",
    TABLE,
    "INSERT INTO t1 (name, price) VALUES ('a', 1.5)",
  );
  const [[name, text]] = await f.rows("SHOW CREATE TABLE t1") as [[string, string]];
  assertEquals(name, "t1");
  assertEquals(
    text,
    [
      "CREATE TABLE `t1` (",
      "  `id` int unsigned NOT NULL AUTO_INCREMENT,",
      "  `name` varchar(20) DEFAULT NULL,",
      "  `price` decimal(10,2) NOT NULL DEFAULT '0.00',",
      "  `created` datetime DEFAULT CURRENT_TIMESTAMP,",
      "  `data` blob,",
      "  PRIMARY KEY (`id`),",
      "  UNIQUE KEY `uname` (`name`),",
      "  KEY `price` (`price`)",
      ") ENGINE=InnoDB AUTO_INCREMENT=2 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci",
    ].join("\n"),
  );
  await f.run("DROP TABLE t1", text);
  const [[, again]] = await f.rows("SHOW CREATE TABLE t1") as [[string, string]];
  assertEquals(again, text.replace(" AUTO_INCREMENT=2", " AUTO_INCREMENT=2"));
});

Deno.test("values come back typed: DECIMAL string, DATETIME text, BLOB bytes", async () => {
  using f = new EngineFixture();
  await f.run("CREATE DATABASE d", "USE d", TABLE);
  await f.run(
    "INSERT INTO t1 (name, price, created, data) VALUES ('a', 12.5, '2024-03-01 10:20:30', X'0102')",
  );
  assertEquals(await f.rows("SELECT id, name, price, created, data FROM t1"), [
    [1, "a", "12.50", "2024-03-01 10:20:30", new Uint8Array([1, 2])],
  ]);
  assertEquals(await f.rows("SELECT name FROM t1 WHERE name = 'A'"), [["a"]]);
});

Deno.test("SHOW DATABASES / TABLES / FULL TABLES / COLUMNS / INDEX / TABLE STATUS", async () => {
  using f = new EngineFixture();
  await f.run("CREATE DATABASE d", "USE d", TABLE, "CREATE TABLE t2 (a INT)");
  assertEquals(await f.rows("SHOW DATABASES LIKE 'd'"), [["d"]]);
  assertEquals(await f.rows("SHOW TABLES"), [["t1"], ["t2"]]);
  assertEquals(await f.rows("SHOW FULL TABLES FROM d LIKE 't2'"), [["t2", "BASE TABLE"]]);
  assertEquals((await f.rows("SHOW COLUMNS FROM t1"))[0], [
    "id",
    "int unsigned",
    "NO",
    "PRI",
    null,
    "auto_increment",
  ]);
  assertEquals((await f.rows("SHOW INDEX FROM t1")).map((r) => r[2]), [
    "PRIMARY",
    "uname",
    "price",
  ]);
  assertEquals((await f.rows("SHOW TABLE STATUS LIKE 't2'"))[0]!.slice(0, 2), ["t2", "InnoDB"]);
});

Deno.test("information_schema answers WHERE and ORDER BY", async () => {
  using f = new EngineFixture();
  await f.run("CREATE DATABASE d", "USE d", TABLE);
  assertEquals(
    await f.rows(
      "SELECT TABLE_NAME, ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'd'",
    ),
    [["t1", "InnoDB"]],
  );
  assertEquals(
    await f.rows(
      "SELECT COLUMN_NAME, COLUMN_TYPE, COLUMN_KEY FROM information_schema.COLUMNS WHERE TABLE_NAME = 't1' ORDER BY ORDINAL_POSITION LIMIT 2",
    ),
    [["id", "int unsigned", "PRI"], ["name", "varchar(20)", "UNI"]],
  );
});

Deno.test("ALTER TABLE add / modify / drop columns and keys keeps the data", async () => {
  using f = new EngineFixture();
  await f.run(
    "CREATE DATABASE d",
    "USE d",
    "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))",
    "INSERT INTO t VALUES (1, '42')",
  );
  await f.run(
    "ALTER TABLE t ADD COLUMN n INT NOT NULL DEFAULT 7 AFTER id, MODIFY v INT, ADD INDEX iv (v)",
  );
  assertEquals(await f.rows("SELECT * FROM t"), [[1, 7, 42]]);
  await f.run("ALTER TABLE t DROP COLUMN n, RENAME TO t3");
  assertEquals(await f.rows("SELECT * FROM t3"), [[1, 42]]);
  assertEquals((await f.rows("SHOW INDEX FROM t3")).map((r) => r[2]), ["PRIMARY", "iv"]);
});

Deno.test("TEMPORARY tables are session-local", async () => {
  using f = new EngineFixture();
  await f.run(
    "CREATE DATABASE d",
    "USE d",
    "CREATE TEMPORARY TABLE tmp (a INT)",
    "INSERT INTO tmp VALUES (1)",
  );
  assertEquals(await f.rows("SELECT a FROM tmp"), [[1]]);
  f.session.close();
  const other = f.open("d");
  try {
    await other.execute("SELECT a FROM tmp");
    throw new Error("expected 1146");
  } catch (e) {
    assertEquals((e as { code: number }).code, 1146);
  } finally {
    other.close();
  }
});

Deno.test("SET and SELECT of variables; SHOW VARIABLES", async () => {
  using f = new EngineFixture();
  await f.run(
    "SET NAMES utf8mb4",
    "SET @a := 5",
    "SET SESSION sql_mode = 'TRADITIONAL'",
    "SET @@session.wait_timeout = 100",
  );
  assertEquals(await f.rows("SELECT @a, @@wait_timeout, @@session.autocommit"), [[5, 100, 1]]);
  assertEquals(await f.rows("SHOW VARIABLES LIKE 'wait_timeout'"), [["wait_timeout", "100"]]);
  assertEquals(
    await f.rows("SHOW SESSION VARIABLES WHERE Variable_name = 'character_set_client'"),
    [["character_set_client", "utf8mb4"]],
  );
  assertEquals(await f.rows("SELECT @b := 2, @b + 1"), [[2, 3]]);
});

Deno.test("mariadb-dump statements are accepted", async () => {
  using f = new EngineFixture();
  await f.run("CREATE DATABASE d", "USE d", "CREATE TABLE t (a INT)");
  await f.run(
    "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */",
    "/*!40103 SET TIME_ZONE='+00:00' */",
    "/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */",
    "/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */",
    "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */",
    "/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */",
    "SET SQL_QUOTE_SHOW_CREATE=1",
    "LOCK TABLES `t` WRITE",
    "/*!40000 ALTER TABLE `t` DISABLE KEYS */",
    "INSERT INTO `t` VALUES (1),(2)",
    "/*!40000 ALTER TABLE `t` ENABLE KEYS */",
    "UNLOCK TABLES",
    "FLUSH TABLES",
    "SHOW TRIGGERS LIKE 't'",
    "SELECT ENGINE FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA='d' AND TABLE_NAME='t'",
  );
  assertEquals(await f.rows("SELECT COUNT(*) FROM t"), [[2]]);
});
