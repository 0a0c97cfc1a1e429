/**
 * The signal listener and the one shutdown path, on the real server as a child process with
 * real mysql2 clients connected: an idle one, one in SLEEP(), one idle in an open transaction
 * and two writers. SIGTERM, SIGINT and SIGQUIT each end in "Normal shutdown" naming the
 * signal, "Shutdown complete" and exit 0; the sleeping client gets ERR 1053 (08S01), the idle
 * ones an unsolicited 1053; every row a writer saw committed is there after a restart and the
 * open transaction's row is not. SIGHUP reloads and keeps serving; a second signal during
 * shutdown is logged and starts nothing.
 */

import assert from "node:assert/strict";
import { connectMysql2 } from "../helpers/mysql2_client.ts";
import { makeTestDir, startServer } from "../helpers/server_process.ts";
import {
  assertCleanShutdownLog,
  assertShutdownSeen,
  scenarioEnded,
  serverPid,
  startScenario,
  storedIds,
} from "./_shutdown_clients.ts";

/** Stop with `signal` while the scenario's clients are connected; check all they saw. */
async function stopUnderLoad(signal: Deno.Signal, writers: number): Promise<void> {
  const dir = await makeTestDir("sig-");
  const datadir = `${dir}/data`;
  try {
    let acked: number[] = [];
    {
      await using srv = await startServer({ datadir });
      const s = await startScenario(srv, writers);
      const status = await srv.stop(signal);
      await scenarioEnded(s);
      s.close();
      assert.equal(status.code, 0, await srv.logText());
      assertCleanShutdownLog(await srv.logText(), signal);
      assertShutdownSeen(s.sleeping, "the sleeping client", true);
      assertShutdownSeen(s.idle, "the idle client", true);
      assertShutdownSeen(s.inTransaction, "the client in a transaction", true);
      for (const w of s.writers) assertShutdownSeen(w.client, "a writer", false);
      acked = s.writers.flatMap((w) => w.acked);
    }
    if (signal === "SIGQUIT") return;
    await using again = await startServer({ datadir });
    const ids = await storedIds(again);
    assert.deepEqual(acked.filter((id) => !ids.has(id)), [], "acknowledged rows lost");
    assert.ok(!ids.has(-1), "the open transaction's row survived");
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

for (const signal of ["SIGTERM", "SIGINT", "SIGQUIT"] as const) {
  Deno.test({
    name: `shutdown: ${signal} with idle, sleeping, in-transaction and writing clients`,
    sanitizeOps: true,
    sanitizeResources: true,
  }, () => stopUnderLoad(signal, signal === "SIGINT" ? 0 : 2));
}

Deno.test({
  name: "shutdown: SIGHUP reloads and keeps serving; a second signal is logged only",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  await using srv = await startServer();
  const client = await connectMysql2(srv);
  client.on("error", () => {});
  const pid = await serverPid(srv);
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
