/**
 * mydeno's entry point, like mysqld's main(): parse the options, set up the error log,
 * bootstrap the datadir, run the server until SIGTERM/SIGINT or a SHUTDOWN statement, and exit.
 *
 * The signal listener (`shutdown/signal_listener.ts`) is installed first, so a signal during
 * start-up is kept; the main thread then joins it and alone runs the one shutdown sequence
 * (`shutdown/shutdown_sequence.ts`).
 */

import {
  ConfigError,
  helpText,
  parseServerOptions,
  printDefaultsText,
  type ServerOptions,
  versionText,
} from "./server/config/options.ts";
import { bootstrapDatadir, isDatadirEmpty } from "./server/datadir.ts";
import {
  closeErrorLog,
  configureErrorLog,
  logError,
  logNote,
  logWarning,
} from "./server/log/error_log.ts";
import { Server } from "./server/server.ts";
import { runShutdown } from "./shutdown/shutdown_sequence.ts";
import { SignalListener } from "./shutdown/signal_listener.ts";
import { SystemdNotifier } from "./shutdown/systemd_notify.ts";
import type { GlobalVariables } from "./server/session/session_messages.ts";
import { initialGlobals } from "./server/variables/session_variables.ts";
import { validateVariable } from "./server/variables/validate_variable.ts";
import { findVariable } from "./server/variables/variable_catalog.ts";
import { PROGRAM_NAME } from "./server/version.ts";

const encoder = new TextEncoder();

function print(text: string): void {
  Deno.stdout.writeSync(encoder.encode(text));
}

/** Global variables for the session threads: bigints that fit become numbers, NULLs are
 * left out (the engine falls back to the variable's default). */
function globalVariables(options: ServerOptions): GlobalVariables {
  const globals: GlobalVariables = new Map();
  for (const [name, value] of initialGlobals(options.variables)) {
    if (value === null) continue;
    if (typeof value === "bigint") {
      globals.set(name, Number.isSafeInteger(Number(value)) ? Number(value) : value.toString());
    } else {
      globals.set(name, value);
    }
  }
  globals.set("port", options.port);
  globals.set("datadir", options.datadir);
  if (options.socket) globals.set("socket", options.socket);
  return globals;
}

function validateGlobal(name: string, value: string | number): string | number {
  const checked = validateVariable(name, value, "global");
  if (checked === null) return "";
  return typeof checked === "bigint" ? Number(checked) : checked;
}

/** `--initialize[-insecure]`: create the datadir and root@localhost, then exit (as mysqld). */
function initialize(options: ServerOptions): number {
  if (!isDatadirEmpty(options.datadir)) {
    logError("--initialize specified but the data directory has files in it. Aborting.");
    return 1;
  }
  const result = bootstrapDatadir(
    options.datadir,
    options.initialize === "secure" ? "random" : "empty",
  );
  if (result.rootPassword !== null) {
    logNote(`A temporary password is generated for root@localhost: ${result.rootPassword}`);
  } else {
    logWarning(
      "root@localhost is created with an empty password ! Please consider switching off the --initialize-insecure option.",
    );
  }
  return 0;
}

const SHUTDOWN_LOG = { note: logNote, warning: logWarning, error: logError };

/** The running server, once started (SIGHUP's reload acts on it). */
let running: Server | null = null;

/**
 * SIGHUP, as mysqld's reload: re-read the option files and apply the dynamic global
 * variables they set, reopen the error log (log rotation), and flush the thread cache.
 */
async function reload(options: ServerOptions): Promise<void> {
  configureErrorLog({ file: options.logError ?? undefined });
  logNote("Received SIGHUP: reloading options, reopening the error log, flushing the thread cache");
  const server = running;
  if (!server) return;
  try {
    const fresh = await parseServerOptions(Deno.args);
    for (const [name, value] of fresh.variables) {
      const def = findVariable(name);
      if (!def?.dynamic || def.scope === "session" || value === null) continue;
      try {
        server.registry.setGlobalVariable(
          def.name,
          typeof value === "bigint" ? String(value) : value,
        );
      } catch (error) {
        logWarning(`Cannot reload ${def.name}: ${error instanceof Error ? error.message : error}`);
      }
    }
  } catch (error) {
    logWarning(`Cannot reload options: ${error instanceof Error ? error.message : error}`);
  }
  await server.threadCache.flush();
}

async function run(options: ServerOptions, listener: SignalListener): Promise<number> {
  if (options.initialize) return initialize(options);
  const notify = SystemdNotifier.open(SHUTDOWN_LOG);
  try {
    return await serve(options, listener, notify);
  } finally {
    await notify?.close();
  }
}

async function serve(
  options: ServerOptions,
  listener: SignalListener,
  notify: SystemdNotifier | null,
): Promise<number> {
  void notify?.status("Starting");
  const boot = bootstrapDatadir(options.datadir, "empty");
  if (boot.rootCreated) {
    logWarning(
      "root@localhost is created with an empty password ! Please consider switching off the --initialize-insecure option.",
    );
  }
  const server = running = await Server.start({
    datadir: options.datadir,
    bindAddress: options.bindAddress,
    port: options.port,
    socket: options.socket,
    globals: globalVariables(options),
    validateGlobal,
    pluginLoad: options.pluginLoad,
    debugLeakSession: options.debugLeakSession,
  });
  if (options.debugLeakSession) {
    logWarning("--debug-leak-session: the first session that ends will stay registered");
  }
  if (options.pidFile) Deno.writeTextFileSync(options.pidFile, `${Deno.pid}\n`);
  void notify?.ready();
  // SHUTDOWN / COM_SHUTDOWN reach the same listener as the signals.
  server.shutdownRequested.then((user) => listener.requestShutdown(user));
  const request = await listener.join();
  const code = await runShutdown({
    server,
    datadir: options.datadir,
    request,
    shutdownTimeoutSeconds: Number(server.registry.globals.get("shutdown_timeout") ?? 5),
    log: SHUTDOWN_LOG,
    notify,
  });
  if (options.pidFile) Deno.removeSync(options.pidFile);
  return code;
}

async function main(): Promise<number> {
  let options: ServerOptions;
  try {
    options = await parseServerOptions(Deno.args);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    Deno.stderr.writeSync(encoder.encode(`${PROGRAM_NAME}: [ERROR] ${error.message}\n`));
    return 1;
  }
  if (options.printDefaults) {
    print(printDefaultsText(options.fileArguments));
    return 0;
  }
  if (options.version) {
    print(versionText());
    return 0;
  }
  if (options.help) {
    print(helpText());
    return 0;
  }
  configureErrorLog({ file: options.logError ?? undefined });
  const listener = new SignalListener({
    reload: () => reload(options),
    note: logNote,
  });
  listener.start();
  try {
    for (const warning of options.warnings) logWarning(warning);
    return await run(options, listener);
  } catch (error) {
    logError(`Aborting: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    listener.stop();
    closeErrorLog();
  }
}

Deno.exit(await main());
