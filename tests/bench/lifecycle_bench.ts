/**
 * The connection-lifecycle benchmark: mydeno and a local MariaDB side by side (not a test; no
 * pass/fail). Run as `deno task bench --lifecycle` or `deno run -A tests/bench/lifecycle_bench.ts`.
 *
 * Per server, one after the other on 127.0.0.1: server RSS per idle connection, the connect
 * loop with and without the thread cache, and for each kind of wait (SLEEP, metadata lock,
 * LOCK TABLES, GET_LOCK, a CPU-bound join) the time from client disconnect to session removal
 * and from KILL QUERY / KILL CONNECTION to the victim's error. Prints Markdown tables and,
 * unless `--no-record`, appends them with the method to BENCHMARKS.md.
 *
 * Options: `--targets=mydeno,mariadb`, `--reps=N` (3), `--cap=SECONDS` (10),
 * `--connect-time=SECONDS` (5), `--poll-ms=N` (5), `--sections=memory,connect,waits`,
 * `--no-record`.
 */

import { parseArgs } from "node:util";
import { startServer } from "../helpers/server_process.ts";
import type { ServerProcess, TestTarget } from "../helpers/server_process.ts";
import { repoRoot } from "../helpers/paths.ts";
import { runClient } from "../helpers/run_client.ts";
import { Observer } from "./lifecycle_observer.ts";
import { calibrateCpuWait, createWaitTables, measureWaits } from "./lifecycle_waits.ts";
import { measureConnectRate, measureMemory } from "./lifecycle_resources.ts";
import { formatLifecycleReport } from "./lifecycle_report.ts";
import type { TargetLifecycle } from "./lifecycle_report.ts";

type Section = "memory" | "connect" | "waits";

interface LifecycleConfig {
  targets: TestTarget[];
  sections: Section[];
  reps: number;
  capMs: number;
  connectSeconds: number;
  pollMs: number;
  record: boolean;
}

const MEMORY_COUNTS = [50, 200];
/** Room for the 200 idle connections plus the observer and the loop's own. */
const SERVER_OPTIONS = ["--max-connections=300"];
/** The harness watchdog SIGKILLs a server after this; far above one server's share of a run. */
const SERVER_LIFETIME_MS = 15 * 60_000;
const CPU_CALIBRATION_BOUND_MS = 60_000;

function readConfig(args: string[]): LifecycleConfig {
  const { values } = parseArgs({
    args,
    options: {
      targets: { type: "string", default: "mydeno,mariadb" },
      sections: { type: "string", default: "memory,connect,waits" },
      reps: { type: "string", default: "3" },
      cap: { type: "string", default: "10" },
      "connect-time": { type: "string", default: "5" },
      "poll-ms": { type: "string", default: "5" },
      "no-record": { type: "boolean", default: false },
    },
  });
  const targets = values.targets.split(",").map((t) => {
    if (t !== "mydeno" && t !== "mariadb") throw new Error(`Cannot bench target: ${t}`);
    return t as TestTarget;
  });
  const sections = values.sections.split(",").map((s) => {
    if (s !== "memory" && s !== "connect" && s !== "waits") {
      throw new Error(`Cannot run section: ${s} (memory, connect, waits)`);
    }
    return s as Section;
  });
  return {
    targets,
    sections,
    reps: Math.max(1, Number(values.reps)),
    capMs: Number(values.cap) * 1000,
    connectSeconds: Number(values["connect-time"]),
    pollMs: Number(values["poll-ms"]),
    record: !values["no-record"],
  };
}

function log(target: TestTarget, line: string): void {
  console.error(`${target}: ${line}`);
}

/** Runs one section, keeping its error in the results instead of ending the run. */
async function section(
  result: TargetLifecycle,
  name: string,
  work: () => Promise<void>,
): Promise<void> {
  const started = performance.now();
  try {
    await work();
  } catch (err) {
    result.errors.push(`${name}: ${(err as Error).message}`);
  }
  console.error(`  (${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

async function benchTarget(target: TestTarget, cfg: LifecycleConfig): Promise<TargetLifecycle> {
  console.error(`== ${target}: starting`);
  await using srv = await startServer({
    target,
    options: SERVER_OPTIONS,
    lifetimeMs: SERVER_LIFETIME_MS,
  });
  const obs = new Observer(srv, cfg.pollMs);
  try {
    const result: TargetLifecycle = {
      version: (await obs.scalar("SELECT VERSION()")) ?? "?",
      errors: [],
    };
    await runSections(srv, obs, cfg, result);
    result.pollQuery = obs.pollQuery;
    return result;
  } finally {
    obs.close();
  }
}

async function runSections(
  srv: ServerProcess,
  obs: Observer,
  cfg: LifecycleConfig,
  result: TargetLifecycle,
): Promise<void> {
  const target = srv.target;
  if (cfg.sections.includes("memory")) {
    await section(result, "memory", async () => {
      result.memory = await measureMemory(srv, obs, MEMORY_COUNTS);
      log(target, `memory: ${JSON.stringify(result.memory)}`);
    });
  }
  if (cfg.sections.includes("connect")) {
    await section(result, "connect", async () => {
      result.connect = await measureConnectRate(srv, obs, cfg.connectSeconds);
      log(target, `connect: ${JSON.stringify(result.connect)}`);
    });
  }
  if (cfg.sections.includes("waits")) {
    await section(result, "waits", async () => {
      await createWaitTables(obs);
      const cpuMs = await calibrateCpuWait(obs, CPU_CALIBRATION_BOUND_MS);
      if (cpuMs !== undefined) result.cpuCalibrationMs = cpuMs;
      log(target, `2-way join: ${cpuMs?.toFixed(0) ?? "> bound"} ms`);
      result.waits = await measureWaits(srv, obs, cfg, (line) => log(target, line));
    });
  }
}

function commandLine(cfg: LifecycleConfig): string {
  return `deno task bench --lifecycle --targets=${cfg.targets.join(",")} ` +
    `--sections=${cfg.sections.join(",")} --reps=${cfg.reps} --cap=${cfg.capMs / 1000} ` +
    `--connect-time=${cfg.connectSeconds} --poll-ms=${cfg.pollMs}`;
}

/** Runs the benchmark with command-line `args`; prints the report, appends it unless told not to. */
export async function lifecycleMain(args: string[]): Promise<void> {
  const cfg = readConfig(args);
  if (cfg.targets.includes("mariadb")) {
    const res = await runClient("sh", ["-c", "command -v mariadbd"], { timeoutMs: 5_000 });
    if (!res.success) {
      throw new Error(
        "Cannot run the benchmark: mariadbd not found (apt-get install mariadb-server)",
      );
    }
  }
  const started = performance.now();
  const results = new Map<TestTarget, TargetLifecycle>();
  for (const target of cfg.targets) results.set(target, await benchTarget(target, cfg));
  const report = formatLifecycleReport({
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    machine: `${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`,
    mydeno: results.get("mydeno"),
    mariadb: results.get("mariadb"),
    capMs: cfg.capMs,
    reps: cfg.reps,
    pollMs: cfg.pollMs,
    connectSeconds: cfg.connectSeconds,
    memoryCounts: MEMORY_COUNTS,
    command: commandLine(cfg),
  });
  console.log(report);
  console.error(`lifecycle benchmark: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (cfg.record) {
    await Deno.writeTextFile(`${repoRoot()}/BENCHMARKS.md`, `\n${report}`, { append: true });
    console.error("appended to BENCHMARKS.md");
  }
}

if (import.meta.main) await lifecycleMain(Deno.args);
