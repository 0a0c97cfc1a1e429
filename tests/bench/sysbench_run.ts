/** Runs sysbench against a server and reads the queries-per-second it reports. */

import type { ServerProcess } from "../helpers/server_process.ts";
import { assertClientOk, runClient } from "../helpers/run_client.ts";

/** One sysbench workload of the benchmark. */
export interface SysbenchWorkload {
  script: string;
  threads: number;
  psMode: "disable" | "auto";
  seconds: number;
  tableSize: number;
}

/** The sysbench arguments for `command` (prepare/run) against `srv`. */
export function sysbenchArgs(
  srv: { host: string; port: number | string },
  w: SysbenchWorkload,
  command: string,
): string[] {
  const common = [
    w.script,
    "--db-driver=mysql",
    `--mysql-host=${srv.host}`,
    `--mysql-port=${srv.port}`,
    "--mysql-user=root",
    "--mysql-password=",
    "--mysql-db=sbtest",
    "--tables=1",
    `--table-size=${w.tableSize}`,
  ];
  if (command !== "run") return [...common, command];
  return [
    ...common,
    `--threads=${w.threads}`,
    `--db-ps-mode=${w.psMode}`,
    `--time=${w.seconds}`,
    "--events=0",
    "--rand-type=uniform",
    command,
  ];
}

/** Runs `sysbench ... command` and returns its output; throws on failure or FATAL. */
export async function runSysbench(
  srv: ServerProcess,
  w: SysbenchWorkload,
  command: string,
): Promise<string> {
  const res = await runClient("sysbench", sysbenchArgs(srv, w, command), {
    timeoutMs: (w.seconds + 120) * 1000,
  });
  assertClientOk(res, `sysbench ${w.script} ${command}`);
  const out = res.stdout + res.stderr;
  if (/FATAL/.test(out)) throw new Error(`sysbench ${command} reported FATAL:\n${out}`);
  return out;
}

/** Queries per second from sysbench's `queries: N (X per sec.)` line. */
export function parseQps(output: string): number {
  const m = output.match(/^\s+queries:\s+\d+\s+\(([\d.]+) per sec\.\)/m);
  if (!m) throw new Error(`Cannot read qps: no "queries:" line in sysbench output:\n${output}`);
  return Number(m[1]);
}
