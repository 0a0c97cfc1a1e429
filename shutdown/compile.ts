/**
 * `deno task compile`: build the single `mydeno` binary with `deno compile`.
 *
 * The worker modules (session threads, HandlerSocket threads) are loaded by URL at run time, so
 * each must be named with `--include`.
 * `deno compile` fetches its `denort` runtime from Deno's download host; where that host cannot
 * be reached the build stops with a clear message instead of hanging (a bounded wait). Where the
 * download works (or with DENORT_BIN pointing at a matching denort binary) it produces `./mydeno`.
 */

/** Every module the server starts as a Worker (tests/shutdown/compile_test.ts checks the list). */
export const WORKERS = ["server/session/session_worker.ts", "server/handlersocket/hs_worker.ts"];
const TIME_LIMIT_MS = 120_000;

export function compileArgs(output: string): string[] {
  // --unstable-net: systemd's notify socket is a Unix datagram socket (systemd_notify.ts), and
  // HandlerSocket's workers share their port with SO_REUSEPORT (hs_worker.ts).
  const args = ["compile", "--allow-all", "--unstable-net", "--output", output];
  for (const worker of WORKERS) args.push("--include", worker);
  args.push("main.ts");
  return args;
}

async function main(): Promise<number> {
  const root = new URL("..", import.meta.url).pathname;
  const output = Deno.args[0] ?? "mydeno";
  const child = new Deno.Command(Deno.execPath(), {
    args: compileArgs(output),
    cwd: root,
    stdout: "inherit",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), TIME_LIMIT_MS);
  const { code, stderr } = await child.output();
  clearTimeout(timer);
  const text = new TextDecoder().decode(stderr);
  if (code === 0) {
    console.log(`Built ${output}`);
    return 0;
  }
  await Deno.stderr.write(stderr);
  if (/denort|dl\.deno\.land|dns error|Setting up base binary/i.test(text)) {
    console.error(
      "Cannot build the mydeno binary: deno compile needs its denort runtime, which could not be " +
        "downloaded from this machine. Build where Deno's download host is reachable, or set " +
        "DENORT_BIN to a denort binary of the same Deno version (2.9.6).",
    );
  } else {
    console.error(`Cannot build the mydeno binary: deno compile exited with code ${code}`);
  }
  return 1;
}

if (import.meta.main) Deno.exit(await main());
