/**
 * Shutdown asked for by a client: the SQL `SHUTDOWN` statement (mysql2) and
 * `mariadb-admin shutdown` (the Debian client), each with idle, sleeping, in-transaction and
 * writing clients connected. The asking client gets its OK, the others ERR 1053 or a closed
 * connection; the log names the user; the exit code is 0; an account without the SHUTDOWN
 * privilege gets ERR 1227 and the server keeps running.
 */

import assert from "node:assert/strict";
import { assertSqlError, connectMysql2 } from "../helpers/mysql2_client.ts";
import { mariadbArgs, runClient } from "../helpers/run_client.ts";
import { startServer } from "../helpers/server_process.ts";
import {
  assertCleanShutdownLog,
  assertShutdownSeen,
  scenarioEnded,
  startScenario,
} from "./_shutdown_clients.ts";

Deno.test({
  name: "shutdown: the SHUTDOWN statement needs the privilege, answers OK and ends every session",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  await using srv = await startServer();
  const root = await connectMysql2(srv);
  root.on("error", () => {});
  await root.query("CREATE USER 'plain'@'%' IDENTIFIED BY 'pw'");
  const plain = await connectMysql2(srv, { user: "plain", password: "pw" });
  await assertSqlError(plain.query("SHUTDOWN"), { errno: 1227 });
  await plain.end();
  const s = await startScenario(srv);
  await root.query("SHUTDOWN");
  const status = await srv.exited;
  await scenarioEnded(s);
  s.close();
  root.destroy();
  assert.equal(status.code, 0);
  assertCleanShutdownLog(await srv.logText(), "root");
  assertShutdownSeen(s.sleeping, "the sleeping client", true);
  assertShutdownSeen(s.idle, "the idle client", true);
  assertShutdownSeen(s.inTransaction, "the client in a transaction", true);
  for (const w of s.writers) assertShutdownSeen(w.client, "a writer", false);
});

Deno.test({
  name: "shutdown: mariadb-admin shutdown with clients connected exits 0 and stops the server",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  await using srv = await startServer();
  const s = await startScenario(srv);
  const admin = await runClient("mariadb-admin", [...mariadbArgs(srv), "shutdown"], {
    timeoutMs: 20_000,
  });
  const status = await srv.exited;
  await scenarioEnded(s);
  s.close();
  assert.equal(admin.code, 0, `mariadb-admin: ${admin.stdout}${admin.stderr}`);
  assert.equal(status.code, 0);
  assertCleanShutdownLog(await srv.logText(), "root");
  assertShutdownSeen(s.sleeping, "the sleeping client", true);
  assertShutdownSeen(s.idle, "the idle client", true);
  assertShutdownSeen(s.inTransaction, "the client in a transaction", true);
  for (const w of s.writers) assertShutdownSeen(w.client, "a writer", false);
});
