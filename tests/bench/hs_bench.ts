/**
 * `deno task bench --handlersocket`: HandlerSocket find-by-primary-key throughput of mydeno and
 * of MariaDB's own handlersocket.so (Debian's mariadb-server) on the same box and data, with 1
 * and 8 connections and with 8 connections × 16 pipelined requests; and mydeno's SQL point
 * select (sysbench oltp_point_select, prepared, 8 threads) on the same server for the
 * HandlerSocket / SQL ratio; and each server's CPU time per request under each load, steadier
 * than throughput on a noisy machine. Not a test: it prints numbers and appends them to
 * BENCHMARKS.md.
 * Options: `--time=SECONDS` (default 10), `--rows=N` (default 10000), `--targets=...`,
 * `--no-record`.
 */

import { parseArgs } from "node:util";
import mysql from "mysql2/promise";
import { freePort, startServer } from "../helpers/server_process.ts";
import type { ServerProcess, TestTarget } from "../helpers/server_process.ts";
import { repoRoot } from "../helpers/paths.ts";
import { parseQps, runSysbench } from "./sysbench_run.ts";
import { HsClient } from "../handlersocket/_hs_client.ts";
import { sbtestStatements } from "./sbtest_data.ts";
import { serverPid } from "./lifecycle_resources.ts";

const SECRET = "benchsecret";
const THREADS = 4;

interface HsLoad {
  name: string;
  connections: number;
  pipeline: number;
}

const LOADS: HsLoad[] = [
  { name: "find by PK, 1 connection", connections: 1, pipeline: 1 },
  { name: "find by PK, 8 connections", connections: 8, pipeline: 1 },
  { name: "find by PK, 8 connections × 16 pipelined", connections: 8, pipeline: 16 },
];

async function hsServer(target: TestTarget) {
  const rd = freePort();
  const options = [
    `--loose-handlersocket-port=${rd}`,
    `--loose-handlersocket-threads=${THREADS}`,
    `--loose-handlersocket-plain-secret=${SECRET}`,
  ];
  options.push("--plugin-load-add=handlersocket.so");
  if (target === "mariadb") options.push("--plugin-maturity=beta");
  const srv = await startServer({ target, options, lifetimeMs: 30 * 60_000 });
  return { srv, rd };
}

async function loadData(srv: ServerProcess, rows: number): Promise<void> {
  const c = await mysql.createConnection({ host: srv.host, port: srv.port, user: "root" });
  for (const sql of sbtestStatements(rows)) await c.query(sql);
  await c.end();
}

/** Distinct pre-encoded request batches each connection cycles through (random ids). */
const BATCHES = 512;

/**
 * Requests per second of `load` for `seconds`. The loop is kept lean so the client, which
 * shares the 2 cores with the server, costs as little as it can: request batches are encoded
 * before the clock starts, each connection reads into one reused buffer, and answers are
 * counted by their LF, each checked to start with "0" (success).
 */
async function runLoad(port: number, load: HsLoad, rows: number, seconds: number) {
  const clients: HsClient[] = [];
  for (let i = 0; i < load.connections; i++) {
    const c = await HsClient.connect(port);
    const answers = await c.ask(
      `A\t1\t${SECRET}`,
      "P\t1\tsbtest\tsbtest1\tPRIMARY\tid,k,c,pad",
    );
    if (answers.join() !== "0\t1,0\t1") throw new Error(`Cannot open index: ${answers}`);
    clients.push(c);
  }
  const encoder = new TextEncoder();
  const batches = Array.from({ length: BATCHES }, () => {
    let batch = "";
    for (let i = 0; i < load.pipeline; i++) {
      batch += `1\t=\t1\t${1 + Math.floor(Math.random() * rows)}\n`;
    }
    return encoder.encode(batch);
  });
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(clients.map(async (c, k) => {
    const buf = new Uint8Array(1 << 20);
    let next = k;
    while (performance.now() < end) {
      await c.write(batches[next++ % BATCHES]!);
      let answered = 0;
      let lineStart = true;
      while (answered < load.pipeline) {
        const n = await c.readInto(buf);
        if (n === null) throw new Error("HandlerSocket connection closed");
        for (let i = 0; i < n; i++) {
          const b = buf[i]!;
          if (lineStart && b !== 0x30) throw new Error("HandlerSocket find failed");
          lineStart = b === 0x0a;
          if (lineStart) answered++;
        }
      }
      done += load.pipeline;
    }
  }));
  for (const c of clients) c[Symbol.dispose]();
  return done / seconds;
}

async function sqlPointSelect(srv: ServerProcess, rows: number, seconds: number) {
  const r = await runSysbench(srv, {
    script: "oltp_point_select",
    threads: 8,
    psMode: "auto",
    seconds,
    tableSize: rows,
  }, "run");
  return parseQps(r);
}

/** CPU seconds (user + system) the process has used so far, from /proc/PID/stat. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  // Fields after the command name (which may hold spaces) start at the last ')'.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

type Side = Record<TestTarget, number | undefined>;

function table(results: Map<string, Side>, cpu: Map<string, Side>): string {
  const lines = [
    "| workload | mydeno qps | MariaDB qps | mydeno / MariaDB | " +
    "server CPU per request, mydeno / MariaDB |",
    "| --- | ---: | ---: | ---: | ---: |",
  ];
  const us = (v: number | undefined) => v === undefined ? "-" : `${v.toFixed(1)} µs`;
  for (const [name, r] of results) {
    const ratio = r.mydeno && r.mariadb ? (r.mydeno / r.mariadb).toFixed(2) : "-";
    const c = cpu.get(name);
    const cpuText = c ? `${us(c.mydeno)} / ${us(c.mariadb)}` : "-";
    lines.push(
      `| ${name} | ${r.mydeno?.toFixed(0) ?? "-"} | ${
        r.mariadb?.toFixed(0) ?? "-"
      } | ${ratio} | ${cpuText} |`,
    );
  }
  return lines.join("\n");
}

/** Entry point (`deno task bench --handlersocket ...`). */
export async function hsBenchMain(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      handlersocket: { type: "boolean", default: true },
      time: { type: "string", default: "10" },
      rows: { type: "string", default: "10000" },
      targets: { type: "string", default: "mydeno,mariadb" },
      "no-record": { type: "boolean", default: false },
    },
  });
  const seconds = Number(values.time);
  const rows = Number(values.rows);
  const results = new Map<string, Side>();
  const cpu = new Map<string, Side>();
  for (
    const l of [...LOADS.map((x) => x.name), "SQL point select (sysbench, prepared, 8 threads)"]
  ) {
    results.set(l, { mydeno: undefined, mariadb: undefined });
  }
  for (const target of values.targets.split(",") as TestTarget[]) {
    const { srv, rd } = await hsServer(target);
    await using _srv = srv;
    await loadData(srv, rows);
    for (const load of LOADS) {
      const pid = await serverPid(srv);
      const before = await cpuSeconds(pid);
      const qps = await runLoad(rd, load, rows, seconds);
      const used = await cpuSeconds(pid) - before;
      results.get(load.name)![target] = qps;
      const side = cpu.get(load.name) ?? { mydeno: undefined, mariadb: undefined };
      side[target] = used * 1e6 / (qps * seconds);
      cpu.set(load.name, side);
      console.log(`${target}: ${load.name}: ${qps.toFixed(0)} qps`);
    }
    const sql = await sqlPointSelect(srv, rows, seconds);
    results.get("SQL point select (sysbench, prepared, 8 threads)")![target] = sql;
    console.log(`${target}: SQL point select: ${sql.toFixed(0)} qps`);
  }
  const r = (name: string) => results.get(name)!.mydeno ?? 0;
  const hsOverSql = r(LOADS[1]!.name) /
    (r("SQL point select (sysbench, prepared, 8 threads)") || 1);
  const section = [
    `## ${
      new Date().toISOString().slice(0, 19)
    }Z: HandlerSocket, mydeno vs MariaDB handlersocket.so`,
    "",
    `Machine: 2 cores, Deno ${Deno.version.deno}. ${rows} rows of sysbench's sbtest1; each request`,
    `finds one random id through PRIMARY and returns id,k,c,pad; handlersocket_threads=${THREADS}`,
    "on both servers; the client is Deno (tests/bench/hs_bench.ts, pre-encoded batches, answers",
    "counted by LF) on the same 2 cores. Server CPU per request: the server process's user +",
    "system time over the load (/proc/PID/stat) divided by the requests answered.",
    "",
    table(results, cpu),
    "",
    `mydeno HandlerSocket (8 connections) / mydeno SQL point select (8 threads): ${
      hsOverSql.toFixed(2)
    }`,
    "",
    "```sh",
    `deno task bench --handlersocket --time=${seconds} --rows=${rows}`,
    "```",
    "",
  ].join("\n");
  console.log(section);
  if (!values["no-record"]) {
    await Deno.writeTextFile(`${repoRoot()}/BENCHMARKS.md`, "\n" + section, { append: true });
  }
}

if (import.meta.main) await hsBenchMain(Deno.args);
