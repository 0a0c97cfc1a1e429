/**
 * The `mariadb` command-line client and `mariadb-admin` against the server: batch output,
 * table output, scripts on standard input, errors, the Unix socket, ping/status/variables.
 */

import assert from "node:assert/strict";
import { startServer } from "../helpers/server_process.ts";
import { assertClientOk, mariadbArgs, runClient } from "../helpers/run_client.ts";

const TIMEOUT_MS = 30_000;

const SCRIPT = `-- a script as a user would pipe it in
CREATE DATABASE shop CHARACTER SET utf8mb4;
USE shop;
CREATE TABLE items (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(40) NOT NULL,
  qty INT DEFAULT 0
);
/* several rows at once */
INSERT INTO items (name, qty) VALUES ('apple', 3), ('pear', 0), ('plum', NULL);
INSERT INTO items (name) VALUES ('fig');
UPDATE items SET qty = qty + 1 WHERE name = 'apple';
SELECT id, name, qty FROM items ORDER BY id;
SELECT COUNT(*) AS n, SUM(qty) AS total FROM items;
`;

Deno.test("mariadb CLI and mariadb-admin", async (t) => {
  await using srv = await startServer();
  const mariadb = (args: string[], stdin?: string) =>
    runClient("mariadb", [...mariadbArgs(srv), ...args], {
      timeoutMs: TIMEOUT_MS,
      ...(stdin === undefined ? {} : { stdin }),
    });
  const admin = (...args: string[]) =>
    runClient("mariadb-admin", [...mariadbArgs(srv), ...args], { timeoutMs: TIMEOUT_MS });

  await t.step("batch mode prints tab-separated rows with escapes and NULL", async () => {
    const res = await mariadb([
      "--batch",
      "-e",
      "SELECT 1 AS a, 'x\\ty' AS b, NULL AS c, 'back\\\\slash' AS d, 'naïve ☃' AS e",
    ]);
    assertClientOk(res, "mariadb --batch");
    assert.equal(res.stdout, "a\tb\tc\td\te\n1\tx\\ty\tNULL\tback\\\\slash\tnaïve ☃\n");
  });

  await t.step("a piped script runs statement by statement", async () => {
    const res = await mariadb([], SCRIPT);
    assertClientOk(res, "mariadb < script");
    assert.equal(
      res.stdout,
      "id\tname\tqty\n1\tapple\t4\n2\tpear\t0\n3\tplum\tNULL\n4\tfig\t0\n" +
        "n\ttotal\n4\t4\n",
    );
  });

  await t.step("table mode draws boxes", async () => {
    const res = await mariadb(["--table", "-e", "SELECT id, name FROM shop.items WHERE id <= 2"]);
    assertClientOk(res, "mariadb --table");
    assert.equal(
      res.stdout,
      [
        "+----+-------+",
        "| id | name  |",
        "+----+-------+",
        "|  1 | apple |",
        "|  2 | pear  |",
        "+----+-------+",
        "",
      ].join("\n"),
    );
  });

  await t.step("vertical mode and skip-column-names", async () => {
    const vertical = await mariadb(["-E", "-e", "SELECT 1 AS one, 'two' AS two"]);
    assertClientOk(vertical, "mariadb -E");
    assert.equal(
      vertical.stdout,
      "*************************** 1. row ***************************\none: 1\ntwo: two\n",
    );
    const bare = await mariadb(["-N", "--batch", "-e", "SELECT 'only', 'values'"]);
    assertClientOk(bare, "mariadb -N");
    assert.equal(bare.stdout, "only\tvalues\n");
  });

  await t.step("an error exits 1 with the code, state and line", async () => {
    const res = await mariadb(["--batch", "shop"], "SELECT 1;\nSELECT * FROM nosuch;\nSELECT 3;\n");
    assert.equal(res.code, 1);
    assert.equal(res.stdout, "1\n1\n", "statements before the error ran, none after");
    // The client may echo the failed statement first; the error is the last line.
    assert.equal(
      res.stderr.trim().split("\n").at(-1),
      "ERROR 1146 (42S02) at line 2: Table 'shop.nosuch' doesn't exist",
    );
    const forced = await mariadb(["--batch", "--force", "shop"], "SELEC 1;\nSELECT 3 AS x;\n");
    assert.equal(forced.stdout, "x\n3\n", "--force goes on after an error");
    assert.match(forced.stderr, /^ERROR 1064 \(42000\) at line 1: .* near 'SELEC 1' at line 1$/m);
  });

  await t.step("the Unix socket accepts root", async () => {
    const res = await runClient("mariadb", [
      "--no-defaults",
      "--protocol=SOCKET",
      `--socket=${srv.socket}`,
      "-uroot",
      "--batch",
      "-N",
      "-e",
      "SELECT COUNT(*) FROM shop.items",
    ], { timeoutMs: TIMEOUT_MS });
    assertClientOk(res, "mariadb over the socket");
    assert.equal(res.stdout, "4\n");
  });

  await t.step("mariadb-admin ping", async () => {
    const res = await admin("ping");
    assertClientOk(res, "mariadb-admin ping");
    assert.equal(res.stdout, "mysqld is alive\n");
  });

  await t.step("mariadb-admin status", async () => {
    const res = await admin("status");
    assertClientOk(res, "mariadb-admin status");
    assert.match(
      res.stdout,
      /^Uptime: \d+ {2}Threads: \d+ {2}Questions: \d+ {2}Slow queries: \d+ {2}Opens: \d+ {2}Open tables: \d+ {2}Queries per second avg: [\d.]+\n$/,
    );
  });

  await t.step("mariadb-admin variables lists version and port", async () => {
    const res = await admin("variables");
    assertClientOk(res, "mariadb-admin variables");
    const vars = new Map<string, string>();
    for (const m of res.stdout.matchAll(/^\| (\S+) +\| (.*?) *\|$/gm)) vars.set(m[1]!, m[2]!);
    assert.equal(vars.get("port"), String(srv.port));
    assert.ok(vars.has("max_allowed_packet"), "max_allowed_packet is listed");
    if (srv.target === "mydeno") assert.match(vars.get("version") ?? "", /^8\.0\.36-mydeno-/);
    else assert.ok(vars.get("version"), "version is listed");
  });

  await t.step("mariadb-admin create and drop a database", async () => {
    assertClientOk(await admin("create", "scratch"), "mariadb-admin create");
    const shown = await mariadb(["-N", "--batch", "-e", "SHOW DATABASES LIKE 'scratch'"]);
    assert.equal(shown.stdout, "scratch\n");
    assertClientOk(await admin("-f", "drop", "scratch"), "mariadb-admin drop");
    const gone = await mariadb(["-N", "--batch", "-e", "SHOW DATABASES LIKE 'scratch'"]);
    assert.equal(gone.stdout, "");
  });

  await t.step("a wrong password is refused with 1045", async () => {
    const res = await runClient("mariadb", [
      ...mariadbArgs(srv, { password: "wrong" }),
      "-e",
      "SELECT 1",
    ], { timeoutMs: TIMEOUT_MS });
    assert.equal(res.code, 1);
    assert.match(
      res.stderr,
      /^ERROR 1045 \(28000\): Access denied for user 'root'@'[^']+' \(using password: YES\)$/m,
    );
  });
});
