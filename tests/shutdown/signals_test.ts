/**
 * The signal listener and the one shutdown path, on the real server as a child process:
 * SIGTERM, SIGINT and SIGQUIT each end in "Normal shutdown" naming the signal, "Shutdown
 * complete" and exit 0 with a client connected; SHUTDOWN from a client goes the same way and
 * needs the SHUTDOWN privilege; SIGHUP reloads and keeps serving; a second signal during
 * shutdown is logged and starts nothing.
 */

import assert from "node:assert/strict";
import { assertSqlError, connectMysql2 } from "../helpers/mysql2_client.ts";
import { startServer } from "../helpers/server_process.ts";

for (const signal of ["SIGTERM", "SIGINT", "SIGQUIT"] as const) {
  Deno.test({
    name: `shutdown: ${signal} with a client connected ends cleanly`,
    sanitizeOps: true,
    sanitizeResources: true,
  }, async () => {
    await using srv = await startServer();
    const client = await connectMysql2(srv);
    client.on("error", () => {});
    await client.query("SELECT 1");
    const status = await srv.stop(signal);
    client.destroy();
    assert.equal(status.code, 0);
    const log = await srv.logText();
    assert.match(log, new RegExp(`initiated by: ${signal}\\): Normal shutdown`));
    assert.match(log, /Shutdown complete/);
    assert.ok(log.indexOf("Normal shutdown") < log.indexOf("Shutdown complete"));
  });
}

Deno.test({
  name: "shutdown: the SHUTDOWN statement needs the privilege and stops the server",
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
  await root.query("SHUTDOWN").catch(() => {});
  root.destroy();
  const status = await srv.exited;
  assert.equal(status.code, 0);
  const log = await srv.logText();
  assert.match(log, /initiated by: root\): Normal shutdown/);
  assert.match(log, /Shutdown complete/);
});

Deno.test({
  name: "shutdown: SIGHUP reloads and keeps serving; a second signal is logged only",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  await using srv = await startServer();
  const client = await connectMysql2(srv);
  client.on("error", () => {});
  const pid = await serverPid(srv.port);
  Deno.kill(pid, "SIGHUP");
  for (let i = 0; i < 100 && !/Received SIGHUP/.test(await srv.logText()); i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const [rows] = await client.query("SELECT 1 AS one");
  assert.equal((rows as { one: number }[])[0]?.one, 1);
  client.destroy();
  Deno.kill(pid, "SIGTERM");
  try {
    Deno.kill(pid, "SIGTERM");
  } catch {
    // Already gone: the first signal was enough.
  }
  const status = await srv.exited;
  assert.equal(status.code, 0);
  const log = await srv.logText();
  assert.match(log, /Received SIGHUP/);
  assert.equal(log.match(/Normal shutdown/g)?.length, 1);
});

/** The pid of the server listening on `port` (the harness does not expose its child's pid). */
async function serverPid(port: number): Promise<number> {
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const cmd = await Deno.readTextFile(`/proc/${entry.name}/cmdline`);
      if (cmd.includes("main.ts") && cmd.includes(`--port=${port}`)) return Number(entry.name);
    } catch {
      // the process went away
    }
  }
  throw new Error(`Cannot find the server process on port ${port}`);
}
