/**
 * `deno task bench --memory`: what the memory sampler costs. sysbench `oltp_point_select`
 * against one mydeno server with `_min_malloc_sample_interval` / `_max_malloc_sample_interval`
 * set to off (10000 / 10000), the default (16 / 256) and full (1 / 1), and V8's sampling heap
 * profiler (`_js_heap_sample_interval`) off or at its default, in turns, so drift of the machine
 * spreads over all of them. Every reply buffer goes through the tracker, so each point
 * select is at least one tracked allocation. Prints a table and appends it to BENCHMARKS.md.
 * Options: `--time=SECONDS` per run (default 10), `--reps=N` turns (default 3),
 * `--table-size=N` (default 10000), `--no-record`.
 */

import { parseArgs } from "node:util";
import mysql from "mysql2/promise";
import { startServer } from "../helpers/server_process.ts";
import { runClient } from "../helpers/run_client.ts";
import { repoRoot } from "../helpers/paths.ts";
import { parseQps, runSysbench, sysbenchArgs, type SysbenchWorkload } from "./sysbench_run.ts";
import { median } from "./median.ts";

/** The settings compared: [name, min, max, _js_heap_sample_interval]. The first is the
 * baseline: the tracker's sampling and V8's heap sampling both off. */
const SETTINGS: [string, number, number, number][] = [
  ["off (10000 / 10000, JS heap 0)", 10000, 10000, 0],
  ["JS heap sampler only (10000 / 10000, JS heap 32768)", 10000, 10000, 32768],
  ["default (16 / 256, JS heap 32768)", 16, 256, 32768],
  ["full (1 / 1, JS heap 32768)", 1, 1, 32768],
];

interface MemoryBenchConfig {
  seconds: number;
  reps: number;
  tableSize: number;
  record: boolean;
}

function readConfig(args: string[]): MemoryBenchConfig {
  const { values } = parseArgs({
    args,
    options: {
      time: { type: "string", default: "10" },
      reps: { type: "string", default: "3" },
      "table-size": { type: "string", default: "10000" },
      "no-record": { type: "boolean", default: false },
    },
  });
  return {
    seconds: Number(values.time),
    reps: Number(values.reps),
    tableSize: Number(values["table-size"]),
    record: !values["no-record"],
  };
}

function workloads(cfg: MemoryBenchConfig): SysbenchWorkload[] {
  return (["disable", "auto"] as const).map((psMode) => ({
    script: "oltp_point_select",
    threads: 1,
    psMode,
    seconds: cfg.seconds,
    tableSize: cfg.tableSize,
  }));
}

/** Run the benchmark; `args` are the command line without `--memory`. */
export async function memoryBenchMain(args: string[]): Promise<void> {
  const cfg = readConfig(args);
  await using srv = await startServer();
  const conn = await mysql.createConnection({ host: srv.host, port: srv.port, user: "root" });
  const qps = new Map<string, number[]>();
  try {
    await conn.query("CREATE DATABASE sbtest");
    await runSysbench(srv, workloads(cfg)[0]!, "prepare");
    for (let rep = 0; rep < cfg.reps; rep++) {
      for (const [name, min, max, jsHeap] of SETTINGS) {
        await conn.query(`SET GLOBAL _js_heap_sample_interval = ${jsHeap}`);
        await conn.query("SET GLOBAL _max_malloc_sample_interval = 10000");
        await conn.query(`SET GLOBAL _min_malloc_sample_interval = ${min}`);
        await conn.query(`SET GLOBAL _max_malloc_sample_interval = ${max}`);
        for (const w of workloads(cfg)) {
          const key = `${w.psMode === "disable" ? "text" : "prepared"}\u0000${name}`;
          const value = parseQps(await runSysbench(srv, w, "run"));
          qps.set(key, [...(qps.get(key) ?? []), value]);
          console.error(`${name}, ${w.psMode}: ${value} qps`);
        }
      }
    }
  } finally {
    await conn.end();
  }
  const report = await formatMemoryReport(cfg, qps);
  console.log(report);
  if (cfg.record) {
    await Deno.writeTextFile(`${repoRoot()}/BENCHMARKS.md`, `\n${report}`, { append: true });
    console.error("appended to BENCHMARKS.md");
  }
}

async function formatMemoryReport(
  cfg: MemoryBenchConfig,
  qps: Map<string, number[]>,
): Promise<string> {
  const sysbench = (await runClient("sysbench", ["--version"])).stdout.trim();
  const lines = [
    `### Memory sampler cost, ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}`,
    "",
    `${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}, ${sysbench}; ` +
    `median of ${cfg.reps} turns of ${cfg.seconds} s each, settings in turn on one server.`,
    "",
    "| oltp_point_select, 1 thread | sampling | qps (median) | runs | vs off |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const mode of ["text", "prepared"]) {
    const off = median(qps.get(`${mode}\u0000${SETTINGS[0]![0]}`) ?? [0]);
    for (const [name] of SETTINGS) {
      const runs = qps.get(`${mode}\u0000${name}`) ?? [];
      const m = median(runs);
      const ratio = off > 0 ? `${((m / off - 1) * 100).toFixed(1)}%` : "-";
      lines.push(
        `| ${mode} | ${name} | ${m.toFixed(0)} | ${runs.map((r) => r.toFixed(0)).join(", ")} | ` +
          `${ratio} |`,
      );
    }
  }
  const w = workloads(cfg);
  const srv = { host: "127.0.0.1", port: "$PORT" };
  lines.push(
    "",
    "Commands:",
    "",
    "```",
    `deno task bench --memory --time=${cfg.seconds} --reps=${cfg.reps} --table-size=${cfg.tableSize}`,
    ...w.map((x) => `sysbench ${sysbenchArgs(srv, x, "run").join(" ")}`),
    "SET GLOBAL _min_malloc_sample_interval / _max_malloc_sample_interval / " +
      "_js_heap_sample_interval between runs",
    "```",
  );
  return lines.join("\n");
}
