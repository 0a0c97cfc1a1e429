/**
 * The last checks of shutdown, made to fail on purpose: a session leaked in the registry
 * (`--debug-leak-session`, MDEV-32484 made deliberately) ends in a non-zero exit with ERROR lines
 * naming the session and where it was acquired; a session whose worker is stuck in synchronous
 * code (a catastrophic regular expression inside SQLite) is forced, named, and the process
 * still exits; a signal during start-up still ends in a clean exit.
 */

import assert from "node:assert/strict";
import { connectMysql2 } from "../helpers/mysql2_client.ts";
import { freePort, makeTestDir, startServer } from "../helpers/server_process.ts";
import { repoRoot } from "../helpers/paths.ts";

Deno.test({
  name: "shutdown: a leaked session fails the registry check loudly (--debug-leak-session)",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  await using srv = await startServer({
    options: ["--debug-leak-session", "--shutdown-timeout=0"],
  });
  const client = await connectMysql2(srv);
  await client.query("SELECT 1");
  await client.end();
  const status = await srv.stop("SIGTERM");
  const log = await srv.logText();
  assert.notEqual(status.code, 0, log);
  assert.match(log, /Forcing close of thread 1 {2}user: 'root'/);
  assert.match(log, /\[ERROR\] Sessions still registered at shutdown: 1\n/);
  assert.match(
    log,
    /\[ERROR\] Resource not released at shutdown: session connection 1, acquired at\n.*connection_registry\.ts/,
  );
  assert.match(log, /Shutdown complete/);
});

Deno.test({
  name: "shutdown: a worker stuck in synchronous code is forced, named, and the process exits",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  await using srv = await startServer({ options: ["--shutdown-timeout=1"] });
  const client = await connectMysql2(srv);
  client.on("error", () => {});
  // Exponential backtracking in V8's regexp engine (an alternation its linear engine does not
  // take over), called from inside a SQLite statement: no kill check runs for hours.
  const text = `${"a".repeat(40)}!`;
  const stuck = client.query(`SELECT REGEXP_LIKE('${text}', '^(a|a)+$') AS r`).catch((e) => e);
  await new Promise((r) => setTimeout(r, 300));
  const status = await srv.stop("SIGTERM");
  client.destroy();
  await stuck;
  const log = await srv.logText();
  assert.equal(status.code, 0, log);
  assert.match(log, /Forcing close of thread 1 {2}user: 'root'/);
  assert.match(log, /Thread session-\d+ of connection 1 does not answer: abandoned/);
  assert.match(log, /Shutdown complete/);
});

Deno.test({
  name: "shutdown: SIGTERM during start-up ends in a clean exit",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const dir = await makeTestDir("startup-");
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${repoRoot()}/main.ts`, `--port=${freePort()}`, `--datadir=${dir}/d`],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const reader = child.stderr.getReader();
    let text = "";
    // The bootstrap warning comes after the signal listener is installed and before the server
    // listens: signal right then.
    while (!text.includes("root@localhost is created")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    child.kill("SIGTERM");
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const status = await child.status;
    assert.equal(status.code, 0, text);
    assert.match(text, /initiated by: SIGTERM\): Normal shutdown/);
    assert.match(text, /Shutdown complete/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
