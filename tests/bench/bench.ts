/**
 * `deno task bench`: mydeno against a local MariaDB on loopback, same data, same clients.
 *
 * For each server: sysbench `oltp_point_select` (text and prepared, 1 and 8 threads, fixed
 * time) and a connect + `SELECT 1` + disconnect loop. Prints a table and appends it, with the
 * exact commands, to BENCHMARKS.md. Options: `--time=SECONDS` (default 10),
 * `--table-size=N` (default 10000), `--targets=mydeno,mariadb`, `--no-record`.
 * `--lifecycle` runs the connection-lifecycle benchmark instead (lifecycle_bench.ts),
 * `--handlersocket` the HandlerSocket one (hs_bench.ts), `--shutdown` the time from SIGTERM to
 * exit under load (shutdown_bench.ts), `--memory` point selects with the memory sampler off,
 * at its default and full (memory_bench.ts).
 */

import { parseArgs } from "node:util";
import mysql from "mysql2/promise";
import { startServer } from "../helpers/server_process.ts";
import type { ServerProcess, TestTarget } from "../helpers/server_process.ts";
import { runClient } from "../helpers/run_client.ts";
import { repoRoot } from "../helpers/paths.ts";
import { parseQps, runSysbench, sysbenchArgs } from "./sysbench_run.ts";
import type { SysbenchWorkload } from "./sysbench_run.ts";
import { connectLoop } from "./connect_loop.ts";
import { formatReport } from "./report.ts";
import { lifecycleMain } from "./lifecycle_bench.ts";
import { hsBenchMain } from "./hs_bench.ts";
import { shutdownMain } from "./shutdown_bench.ts";
import { memoryBenchMain } from "./memory_bench.ts";
import type { BenchRow } from "./report.ts";

const CONNECT_MAX_ITERATIONS = 20_000;

interface BenchConfig {
  seconds: number;
  tableSize: number;
  targets: TestTarget[];
  record: boolean;
}

function readConfig(): BenchConfig {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      time: { type: "string", default: "10" },
      "table-size": { type: "string", default: "10000" },
      targets: { type: "string", default: "mydeno,mariadb" },
      "no-record": { type: "boolean", default: false },
    },
  });
  const targets = values.targets.split(",").map((t) => {
    if (t !== "mydeno" && t !== "mariadb") throw new Error(`Cannot bench target: ${t}`);
    return t as TestTarget;
  });
  return {
    seconds: Number(values.time),
    tableSize: Number(values["table-size"]),
    targets,
    record: !values["no-record"],
  };
}

/** Fails at once, with the package to install, when a needed program is missing. */
async function requirePrograms(targets: TestTarget[]): Promise<void> {
  const needed: [string, string][] = [["sysbench", "sysbench"]];
  if (targets.includes("mariadb")) {
    needed.push(["mariadbd", "mariadb-server"], ["mariadb-install-db", "mariadb-server"]);
  }
  for (const [program, pkg] of needed) {
    const res = await runClient("sh", ["-c", `command -v ${program}`], { timeoutMs: 5_000 });
    if (!res.success) {
      throw new Error(`Cannot run the benchmark: ${program} not found (apt-get install ${pkg})`);
    }
  }
}

function workloads(cfg: BenchConfig): SysbenchWorkload[] {
  const list: SysbenchWorkload[] = [];
  for (const psMode of ["disable", "auto"] as const) {
    for (const threads of [1, 8]) {
      list.push({
        script: "oltp_point_select",
        threads,
        psMode,
        seconds: cfg.seconds,
        tableSize: cfg.tableSize,
      });
    }
  }
  return list;
}

function rowName(w: SysbenchWorkload): string {
  const mode = w.psMode === "disable" ? "text" : "prepared";
  return `${w.script} ${mode}, ${w.threads} thread${w.threads > 1 ? "s" : ""}`;
}

interface TargetResult {
  version: string;
  qps: Map<string, number>;
}

async function benchTarget(target: TestTarget, cfg: BenchConfig): Promise<TargetResult> {
  console.error(`== ${target}: starting`);
  await using srv = await startServer({ target });
  const version = await prepareData(srv, cfg);
  const qps = new Map<string, number>();
  for (const w of workloads(cfg)) {
    const out = await runSysbench(srv, w, "run");
    qps.set(rowName(w), parseQps(out));
    console.error(`${target}: ${rowName(w)}: ${qps.get(rowName(w))} qps`);
  }
  const cps = await connectLoop(srv, {
    seconds: cfg.seconds,
    maxIterations: CONNECT_MAX_ITERATIONS,
  });
  qps.set(CONNECT_ROW, cps);
  console.error(`${target}: ${CONNECT_ROW}: ${cps.toFixed(1)} per s`);
  return { version, qps };
}

const CONNECT_ROW = "connect + SELECT 1 + disconnect (mysql2, 1 client), per s";

/** Creates `sbtest` and loads it with sysbench prepare; returns the server's version. */
async function prepareData(srv: ServerProcess, cfg: BenchConfig): Promise<string> {
  const conn = await mysql.createConnection({ host: srv.host, port: srv.port, user: "root" });
  try {
    await conn.query("CREATE DATABASE sbtest");
    const first = workloads(cfg)[0]!;
    await runSysbench(srv, first, "prepare");
    const [rows] = await conn.query<mysql.RowDataPacket[]>("SELECT VERSION() AS v");
    return String(rows[0]?.v);
  } finally {
    await conn.end();
  }
}

function commandsText(cfg: BenchConfig): string[] {
  const srv = { host: "127.0.0.1", port: "$PORT" };
  const w = workloads(cfg);
  return [
    `deno task bench --time=${cfg.seconds} --table-size=${cfg.tableSize}`,
    `sysbench ${sysbenchArgs(srv, w[0]!, "prepare").join(" ")}`,
    ...w.map((x) => `sysbench ${sysbenchArgs(srv, x, "run").join(" ")}`),
    `connect loop: tests/bench/connect_loop.ts, ${cfg.seconds} s or ${CONNECT_MAX_ITERATIONS} cycles`,
  ];
}

async function main(): Promise<void> {
  if (Deno.args.includes("--handlersocket")) {
    await hsBenchMain(Deno.args);
    return;
  }
  if (Deno.args.includes("--shutdown")) {
    await shutdownMain(Deno.args.filter((a) => a !== "--shutdown"));
    return;
  }
  if (Deno.args.includes("--memory")) {
    await memoryBenchMain(Deno.args.filter((a) => a !== "--memory"));
    return;
  }
  if (Deno.args.includes("--lifecycle")) {
    await lifecycleMain(Deno.args.filter((a) => a !== "--lifecycle"));
    return;
  }
  const cfg = readConfig();
  await requirePrograms(cfg.targets);
  const results = new Map<TestTarget, TargetResult>();
  for (const target of cfg.targets) results.set(target, await benchTarget(target, cfg));
  const rows: BenchRow[] = [...workloads(cfg).map(rowName), CONNECT_ROW].map((name) => ({
    name,
    mydeno: results.get("mydeno")?.qps.get(name),
    mariadb: results.get("mariadb")?.qps.get(name),
  }));
  const sysbenchVersion = (await runClient("sysbench", ["--version"])).stdout.trim();
  const report = formatReport({
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    mydenoVersion: results.get("mydeno")?.version ?? "not run",
    mariadbVersion: results.get("mariadb")?.version ?? "not run",
    machine:
      `${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}, ${sysbenchVersion}`,
    rows,
    commands: commandsText(cfg),
  });
  console.log(report);
  if (cfg.record) {
    await Deno.writeTextFile(`${repoRoot()}/BENCHMARKS.md`, `\n${report}`, { append: true });
    console.error("appended to BENCHMARKS.md");
  }
}

if (import.meta.main) await main();
