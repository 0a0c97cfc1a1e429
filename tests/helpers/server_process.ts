/**
 * Test harness that runs a database server as a child process on loopback.
 *
 * By default it runs mydeno (`deno run -A main.ts`). With `MYDENO_TEST_TARGET=mariadb` it runs a
 * real MariaDB (`mariadbd`) instead, so the client tests can be checked against the reference
 * server. Both get the same MySQL option spelling and a fresh datadir unless one is given.
 */

import { repoRoot, tmpRoot } from "./paths.ts";

/** Which server the tests run against. */
export type TestTarget = "mydeno" | "mariadb";

/** Options for {@linkcode startServer}. */
export interface StartServerOptions {
  /** Extra server options in MySQL spelling, e.g. `--max-connections=20`. */
  options?: string[];
  /** Reuse this datadir (not removed on dispose); a fresh one is made when absent. */
  datadir?: string;
  /** How long to wait for `ready for connections`, in ms (default 30 000). */
  readyTimeoutMs?: number;
  /** Extra environment variables for mydeno (e.g. `NOTIFY_SOCKET`). */
  env?: Record<string, string>;
  /** Which server to run; defaults to {@linkcode testTarget}. */
  target?: TestTarget;
  /**
   * Watchdog: SIGKILL the server after this many ms (default 240 000, or
   * `MYDENO_TEST_SERVER_LIFETIME_MS`), so a hung statement fails its test instead of the run.
   */
  lifetimeMs?: number;
}

/** A running server; dispose it with `await using`. */
export interface ServerProcess {
  readonly target: TestTarget;
  readonly host: "127.0.0.1";
  readonly port: number;
  readonly socket: string;
  readonly datadir: string;
  readonly logFile: string;
  /** Resolves when the child exits. */
  readonly exited: Promise<Deno.CommandStatus>;
  /** Sends `signal` (default SIGTERM), then SIGKILL after a bound; resolves on exit. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
  /** Kills the server with SIGKILL, like a power cut; resolves on exit. */
  kill9(): Promise<Deno.CommandStatus>;
  /** The error log plus whatever the child wrote to stdout and stderr. */
  logText(): Promise<string>;
  [Symbol.asyncDispose](): Promise<void>;
}

const STOP_TIMEOUT_MS = 20_000;
const READY_TEXT = "ready for connections";

/** The target chosen by `MYDENO_TEST_TARGET` (default `mydeno`). */
export function testTarget(): TestTarget {
  const value = Deno.env.get("MYDENO_TEST_TARGET") ?? "mydeno";
  if (value !== "mydeno" && value !== "mariadb") {
    throw new Error(`Cannot pick test target: MYDENO_TEST_TARGET=${value} is not mydeno|mariadb`);
  }
  return value;
}

/** The script mydeno runs from: `main.ts`, or `MYDENO_MAIN` to try another entry point. */
function mydenoEntry(): string {
  return Deno.env.get("MYDENO_MAIN") ?? `${repoRoot()}/main.ts`;
}

function defaultLifetimeMs(): number {
  return Number(Deno.env.get("MYDENO_TEST_SERVER_LIFETIME_MS") ?? 240_000);
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Makes an empty directory under `tests/.tmp/` for a test to own. */
export async function makeTestDir(prefix = "srv-"): Promise<string> {
  await Deno.mkdir(tmpRoot(), { recursive: true });
  return await Deno.makeTempDir({ dir: tmpRoot(), prefix });
}

/** Starts the target server and waits until it logs `ready for connections`. */
export async function startServer(opts: StartServerOptions = {}): Promise<ServerProcess> {
  const target = opts.target ?? testTarget();
  const ownsDir = opts.datadir === undefined;
  const workDir = await makeTestDir(ownsDir ? "srv-" : "run-");
  const datadir = opts.datadir ?? `${workDir}/data`;
  const port = freePort();
  // Unix socket paths are limited to ~107 bytes, so keep the socket in the short /tmp.
  const socket = await Deno.makeTempFile({ dir: "/tmp", prefix: "mydeno-test-", suffix: ".sock" });
  await Deno.remove(socket);
  const logFile = `${workDir}/error.log`;
  const base = [
    `--port=${port}`,
    "--bind-address=127.0.0.1",
    `--datadir=${datadir}`,
    `--socket=${socket}`,
    `--log-error=${logFile}`,
  ];
  let cmd: Deno.Command;
  if (target === "mariadb") {
    await initMariadb(datadir, workDir);
    cmd = new Deno.Command("mariadbd", {
      args: [
        "--no-defaults",
        ...base,
        ...MARIADB_OPTIONS,
        `--pid-file=${workDir}/mariadbd.pid`,
        ...(opts.options ?? []),
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });
  } else {
    cmd = new Deno.Command(Deno.execPath(), {
      // Memory still tracked at shutdown makes the exit code 1 (server/memory).
      args: ["run", "-A", mydenoEntry(), ...base, "--memory-leak-exit", ...(opts.options ?? [])],
      cwd: repoRoot(),
      env: { NO_COLOR: "1", ...opts.env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });
  }
  const proc = new ChildServer(cmd.spawn(), { target, port, socket, datadir, logFile });
  const cleanup = async () => {
    await Deno.remove(socket).catch(() => {});
    // The work dir holds the log, and the datadir too unless the caller brought its own.
    if (!Deno.env.get("MYDENO_KEEP_TMP")) await Deno.remove(workDir, { recursive: true });
  };
  proc.onDispose = cleanup;
  try {
    await proc.waitReady(opts.readyTimeoutMs ?? 30_000);
    proc.armWatchdog(opts.lifetimeMs ?? defaultLifetimeMs());
  } catch (err) {
    await proc[Symbol.asyncDispose]();
    throw err;
  }
  return proc;
}

/** MariaDB options that keep a test instance small and quick to start. */
const MARIADB_OPTIONS = [
  "--user=root",
  "--innodb-log-file-size=16M",
  "--innodb-buffer-pool-size=64M",
  "--skip-log-bin",
  "--max-connections=200",
];

async function initMariadb(datadir: string, workDir: string): Promise<void> {
  try {
    await Deno.stat(`${datadir}/mysql`);
    return; // already initialized (a restart on the same datadir)
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const out = await new Deno.Command("mariadb-install-db", {
    args: [
      "--no-defaults",
      "--auth-root-authentication-method=normal",
      "--user=root",
      `--datadir=${datadir}`,
      "--skip-test-db",
      "--innodb-log-file-size=16M",
    ],
    cwd: workDir,
    stdin: "null",
  }).output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    throw new Error(`Cannot initialize MariaDB datadir ${datadir}: ${text.slice(-2000)}`);
  }
}

interface ChildInfo {
  target: TestTarget;
  port: number;
  socket: string;
  datadir: string;
  logFile: string;
}

class ChildServer implements ServerProcess {
  readonly target: TestTarget;
  readonly host = "127.0.0.1" as const;
  readonly port: number;
  readonly socket: string;
  readonly datadir: string;
  readonly logFile: string;
  readonly exited: Promise<Deno.CommandStatus>;
  onDispose: () => Promise<void> = async () => {};
  #child: Deno.ChildProcess;
  #status: Deno.CommandStatus | undefined;
  #output = "";
  #drained: Promise<void>;
  #disposed = false;
  #watchdog: ReturnType<typeof setTimeout> | undefined;

  constructor(child: Deno.ChildProcess, info: ChildInfo) {
    this.#child = child;
    this.target = info.target;
    this.port = info.port;
    this.socket = info.socket;
    this.datadir = info.datadir;
    this.logFile = info.logFile;
    this.exited = child.status.then((s) => (this.#status = s));
    this.#drained = Promise.all([this.#drain(child.stdout), this.#drain(child.stderr)]).then(
      () => {},
    );
  }

  async #drain(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of stream) this.#output += decoder.decode(chunk, { stream: true });
  }

  async logText(): Promise<string> {
    const file = await Deno.readTextFile(this.logFile).catch(() => "");
    return file + this.#output;
  }

  /** Polls the log until the ready line shows, the child exits, or the bound passes. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await this.logText()).includes(READY_TEXT)) return;
      if (this.#status !== undefined) {
        await this.#drained;
        throw new Error(
          `Cannot start ${this.target}: exited with code ${this.#status.code} before ready:\n` +
            (await this.logText()).slice(-4000),
        );
      }
      await delay(50);
    }
    throw new Error(
      `Cannot start ${this.target}: no "${READY_TEXT}" within ${timeoutMs} ms:\n` +
        (await this.logText()).slice(-4000),
    );
  }

  /** Kills the server once `ms` have passed; {@linkcode stop} disarms it. */
  armWatchdog(ms: number): void {
    this.#watchdog = setTimeout(() => {
      this.#output += `\n[test harness] watchdog: server still running after ${ms} ms, SIGKILL\n`;
      console.error(`[test harness] watchdog killed ${this.target} on port ${this.port}`);
      this.#kill("SIGKILL");
    }, ms);
  }

  async stop(signal: Deno.Signal = "SIGTERM"): Promise<Deno.CommandStatus> {
    clearTimeout(this.#watchdog);
    if (this.#status === undefined) {
      this.#kill(signal);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const bounded = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), STOP_TIMEOUT_MS);
      });
      const result = await Promise.race([this.exited, bounded]);
      clearTimeout(timer);
      if (result === "timeout") this.#kill("SIGKILL");
    }
    const status = await this.exited;
    await this.#drained;
    return status;
  }

  kill9(): Promise<Deno.CommandStatus> {
    return this.stop("SIGKILL");
  }

  #kill(signal: Deno.Signal): void {
    try {
      this.#child.kill(signal);
    } catch (err) {
      // The child may have exited between the check and the kill.
      if (!(err instanceof TypeError)) throw err;
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.stop();
    await this.onDispose();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
