/**
 * Runs a command-line client (mariadb, mariadb-admin, sysbench, python3, perl, java) with a
 * time bound and captures what it prints.
 */

import type { ServerProcess } from "./server_process.ts";

/** Options for {@linkcode runClient}. */
export interface RunClientOptions {
  /** Written to the client's standard input, which is then closed. */
  stdin?: string | Uint8Array;
  /** Kill the client with SIGKILL after this many ms (default 60 000). */
  timeoutMs?: number;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Working directory. */
  cwd?: string;
}

/** What a client printed and how it ended. */
export interface ClientResult {
  code: number;
  success: boolean;
  stdout: string;
  /** Standard output as bytes (dumps may hold binary strings that are not UTF-8). */
  stdoutBytes: Uint8Array;
  stderr: string;
  timedOut: boolean;
}

/** Runs `cmd args`, feeding `stdin`, and kills it if it outlives `timeoutMs`. */
export async function runClient(
  cmd: string,
  args: string[],
  opts: RunClientOptions = {},
): Promise<ClientResult> {
  const child = new Deno.Command(cmd, {
    args,
    stdin: opts.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, opts.timeoutMs ?? 60_000);
  try {
    const writing = opts.stdin === undefined
      ? Promise.resolve()
      : writeAll(child.stdin, opts.stdin);
    const [out] = await Promise.all([child.output(), writing]);
    return {
      code: out.code,
      success: out.success && !timedOut,
      stdout: new TextDecoder().decode(out.stdout),
      stdoutBytes: out.stdout,
      stderr: new TextDecoder().decode(out.stderr),
      timedOut,
    };
  } finally {
    clearTimeout(timer);
  }
}

async function writeAll(
  stream: WritableStream<Uint8Array>,
  data: string | Uint8Array,
): Promise<void> {
  const writer = stream.getWriter();
  try {
    await writer.write(typeof data === "string" ? new TextEncoder().encode(data) : data);
    await writer.close();
  } catch {
    // The client may exit without reading all of its input; its exit code tells the test.
  }
}

/** Throws with the client's output unless it exited 0 in time. */
export function assertClientOk(result: ClientResult, what: string): void {
  if (!result.success) {
    throw new Error(
      `${what} failed: code ${result.code}${result.timedOut ? " (timed out)" : ""}\n` +
        `stdout: ${result.stdout.slice(-3000)}\nstderr: ${result.stderr.slice(-3000)}`,
    );
  }
}

/** Options for {@linkcode mariadbArgs}. */
export interface LoginOptions {
  user?: string;
  password?: string;
}

/** Connection arguments for the MariaDB command-line tools: TCP to the test server. */
export function mariadbArgs(srv: ServerProcess, login: LoginOptions = {}): string[] {
  const args = [
    "--no-defaults",
    "--protocol=TCP",
    `--host=${srv.host}`,
    `--port=${srv.port}`,
    `--user=${login.user ?? "root"}`,
  ];
  if (login.password !== undefined) args.push(`--password=${login.password}`);
  return args;
}
