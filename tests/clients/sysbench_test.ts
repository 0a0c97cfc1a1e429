/**
 * sysbench `oltp_read_write` prepare / run / cleanup against the server, with text statements
 * and with server-side prepared statements. Counts only: timing lives in tests/bench.
 */

import assert from "node:assert/strict";
import { startServer } from "../helpers/server_process.ts";
import type { ServerProcess } from "../helpers/server_process.ts";
import { assertClientOk, mariadbArgs, runClient } from "../helpers/run_client.ts";

const TABLES = 2;
const TABLE_SIZE = 1000;
const EVENTS = 300;

function sysbench(srv: ServerProcess, command: string, extra: string[] = []) {
  return runClient("sysbench", [
    "oltp_read_write",
    "--db-driver=mysql",
    `--mysql-host=${srv.host}`,
    `--mysql-port=${srv.port}`,
    "--mysql-user=root",
    "--mysql-password=",
    "--mysql-db=sbtest",
    `--tables=${TABLES}`,
    `--table-size=${TABLE_SIZE}`,
    ...extra,
    command,
  ], { timeoutMs: 120_000 });
}

async function sql(srv: ServerProcess, statement: string): Promise<string> {
  const res = await runClient("mariadb", [...mariadbArgs(srv), "-N", "--batch", "-e", statement], {
    timeoutMs: 30_000,
  });
  assertClientOk(res, statement);
  return res.stdout;
}

/** Reads one counter from sysbench's "SQL statistics" block. */
function stat(output: string, name: string): number {
  const m = output.match(new RegExp(`^\\s+${name}:\\s+(\\d+)`, "m"));
  assert.ok(m, `sysbench printed no "${name}" line:\n${output}`);
  return Number(m[1]);
}

for (const psMode of ["disable", "auto"]) {
  Deno.test(`sysbench oltp_read_write with --db-ps-mode=${psMode}`, async () => {
    await using srv = await startServer();
    await sql(srv, "CREATE DATABASE sbtest");

    const prepare = await sysbench(srv, "prepare");
    assertClientOk(prepare, "sysbench prepare");
    assert.doesNotMatch(prepare.stdout + prepare.stderr, /FATAL/);
    for (let i = 1; i <= TABLES; i++) {
      assert.equal(await sql(srv, `SELECT COUNT(*) FROM sbtest.sbtest${i}`), `${TABLE_SIZE}\n`);
    }

    const run = await sysbench(srv, "run", [
      "--threads=2",
      `--events=${EVENTS}`,
      "--time=0",
      `--db-ps-mode=${psMode}`,
    ]);
    assertClientOk(run, "sysbench run");
    const out = run.stdout + run.stderr;
    assert.doesNotMatch(out, /FATAL/);
    assert.equal(stat(out, "transactions"), EVENTS);
    assert.equal(stat(out, "reconnects"), 0);
    // Deadlocks (1213) and lock wait timeouts are retried by sysbench and counted as "ignored";
    // InnoDB has a few now and then. More than a handful means transactions keep failing.
    const ignored = stat(out, "ignored errors");
    assert.ok(ignored <= EVENTS / 20, `${ignored} ignored errors in ${EVENTS} transactions`);
    // oltp_read_write deletes and re-inserts the same ids, so each table keeps its size.
    for (let i = 1; i <= TABLES; i++) {
      assert.equal(await sql(srv, `SELECT COUNT(*) FROM sbtest.sbtest${i}`), `${TABLE_SIZE}\n`);
    }

    const cleanup = await sysbench(srv, "cleanup");
    assertClientOk(cleanup, "sysbench cleanup");
    assert.equal(await sql(srv, "SHOW TABLES FROM sbtest"), "");
  });
}
