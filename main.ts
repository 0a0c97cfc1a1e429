/**
 * mydeno's entry point, like mysqld's main(): parse the options, set up the error log,
 * bootstrap the datadir, run the server until SIGTERM/SIGINT or a SHUTDOWN statement, and exit.
 *
 * Signal handling here is the minimal clean stop; the shutdown module of a later issue
 * (`shutdown/`) takes it over.
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
import type { GlobalVariables } from "./server/session/session_messages.ts";
import { initialGlobals } from "./server/variables/session_variables.ts";
import { validateVariable } from "./server/variables/validate_variable.ts";
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

/** Wait for SIGTERM or SIGINT, or a SHUTDOWN from a client; returns who asked. */
function waitForStop(server: Server): Promise<string> {
  let handler = () => {};
  const signalled = new Promise<string>((resolve) => {
    handler = () => resolve("unknown");
  });
  Deno.addSignalListener("SIGTERM", handler);
  Deno.addSignalListener("SIGINT", handler);
  return Promise.race([signalled, server.shutdownRequested]).finally(() => {
    Deno.removeSignalListener("SIGTERM", handler);
    Deno.removeSignalListener("SIGINT", handler);
  });
}

async function run(options: ServerOptions): Promise<number> {
  if (options.initialize) return initialize(options);
  const boot = bootstrapDatadir(options.datadir, "empty");
  if (boot.rootCreated) {
    logWarning(
      "root@localhost is created with an empty password ! Please consider switching off the --initialize-insecure option.",
    );
  }
  const server = await Server.start({
    datadir: options.datadir,
    bindAddress: options.bindAddress,
    port: options.port,
    socket: options.socket,
    globals: globalVariables(options),
    validateGlobal,
  });
  if (options.pidFile) Deno.writeTextFileSync(options.pidFile, `${Deno.pid}\n`);
  const by = await waitForStop(server);
  logNote(`${PROGRAM_NAME} (initiated by: ${by}): Normal shutdown`);
  await server.close();
  if (options.pidFile) Deno.removeSync(options.pidFile);
  logNote(`${PROGRAM_NAME}: Shutdown complete`);
  return 0;
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
  try {
    for (const warning of options.warnings) logWarning(warning);
    return await run(options);
  } catch (error) {
    logError(`Aborting: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    closeErrorLog();
  }
}

Deno.exit(await main());
