/**
 * `deno task bench --shutdown`: time from SIGTERM to process exit under load, mydeno side by
 * side with a local MariaDB. Not a test: it prints numbers and passes or fails nothing.
 *
 * Each repetition starts a fresh server (the test harness's options), connects the clients of
 * the shutdown tests (tests/shutdown/_shutdown_clients.ts: one idle, one in `SELECT SLEEP(60)`,
 * one idle in an open transaction, and `--writers` mysql2 writers, half autocommit inserts and
 * half three-insert transactions), lets the writers run for `--load-ms`, then sends SIGTERM and
 * measures until the bench sees the child exit (waitpid). Also counted: the commits the writers
 * saw succeed, and whether the exit code was 0. Options: `--targets=mydeno,mariadb`,
 * `--reps=N` (default 5), `--writers=N` (default 8), `--load-ms=N` (default 2000), `--no-record`.
 */

import { parseArgs } from "node:util";
import { startServer } from "../helpers/server_process.ts";
import type { TestTarget } from "../helpers/server_process.ts";
import { repoRoot } from "../helpers/paths.ts";
import { scenarioEnded, startScenario } from "../shutdown/_shutdown_clients.ts";
import { median } from "./median.ts";

interface ShutdownConfig {
  targets: TestTarget[];
  reps: number;
  writers: number;
  loadMs: number;
  record: boolean;
}

interface Sample {
  ms: number;
  code: number;
  acked: number;
}

function readConfig(args: string[]): ShutdownConfig {
  const { values } = parseArgs({
    args,
    options: {
      targets: { type: "string", default: "mydeno,mariadb" },
      reps: { type: "string", default: "5" },
      writers: { type: "string", default: "8" },
      "load-ms": { type: "string", default: "2000" },
      "no-record": { type: "boolean", default: false },
    },
  });
  return {
    targets: values.targets.split(",").map((t) => {
      if (t !== "mydeno" && t !== "mariadb") throw new Error(`Cannot bench target: ${t}`);
      return t as TestTarget;
    }),
    reps: Number(values.reps),
    writers: Number(values.writers),
    loadMs: Number(values["load-ms"]),
    record: !values["no-record"],
  };
}

/** One repetition: load, SIGTERM, time to exit. */
async function once(target: TestTarget, cfg: ShutdownConfig): Promise<Sample> {
  await using srv = await startServer({ target });
  const s = await startScenario(srv, cfg.writers);
  await new Promise((r) => setTimeout(r, cfg.loadMs));
  const start = performance.now();
  const status = await srv.stop("SIGTERM");
  const ms = performance.now() - start;
  await scenarioEnded(s);
  s.close();
  return { ms, code: status.code, acked: s.writers.reduce((n, w) => n + w.acked.length, 0) };
}

function row(target: TestTarget, samples: Sample[]): string {
  const ms = samples.map((s) => s.ms);
  const codes = [...new Set(samples.map((s) => s.code))].join(", ");
  const acked = Math.round(median(samples.map((s) => s.acked)));
  return `| ${target} | ${median(ms).toFixed(0)} | ${Math.min(...ms).toFixed(0)} | ${
    Math.max(...ms).toFixed(0)
  } | ${codes} | ${acked} |`;
}

/** Run the shutdown benchmark (called by bench.ts for `--shutdown`). */
export async function shutdownMain(args: string[]): Promise<void> {
  const cfg = readConfig(args);
  const rows: string[] = [];
  for (const target of cfg.targets) {
    const samples: Sample[] = [];
    for (let i = 0; i < cfg.reps; i++) {
      const sample = await once(target, cfg);
      console.error(`${target}: SIGTERM to exit ${sample.ms.toFixed(0)} ms, exit ${sample.code}`);
      samples.push(sample);
    }
    rows.push(row(target, samples));
  }
  const report = [
    `## ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}: shutdown under load`,
    "",
    `Machine: ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}. ` +
    `${cfg.reps} repetitions per server, one after the other, each on a fresh datadir.`,
    "",
    "| server | SIGTERM to exit, median ms | min ms | max ms | exit codes | commits acknowledged before the signal (median) |",
    "| --- | ---: | ---: | ---: | --- | ---: |",
    ...rows,
    "",
    "Method: `deno task bench --shutdown " +
    `--reps=${cfg.reps} --writers=${cfg.writers} --load-ms=${cfg.loadMs}\` ` +
    "(tests/bench/shutdown_bench.ts). Clients (npm mysql2): one idle, one in `SELECT SLEEP(60)`, " +
    `one idle in an open transaction, ${cfg.writers} writers (half autocommit inserts, half ` +
    `three-insert transactions) running for ${cfg.loadMs} ms; then SIGTERM, timed until the ` +
    "bench's waitpid sees the server exit. mydeno runs with its defaults (shutdown_timeout 5); " +
    "MariaDB with the test harness's options (InnoDB, 64 MB buffer pool, no binlog).",
    "",
  ].join("\n");
  console.log(report);
  if (cfg.record) {
    await Deno.writeTextFile(`${repoRoot()}/BENCHMARKS.md`, `\n${report}`, { append: true });
    console.error("appended to BENCHMARKS.md");
  }
}

if (import.meta.main) await shutdownMain(Deno.args);
