/**
 * The one shutdown path (WL#6407): run by the main thread alone, after it joined the signal
 * listener. Every step is logged where MySQL logs it; nothing else tears anything down.
 *
 * Order: "Normal shutdown" with who asked → stop accepting on every listener → release the
 * idle workers of the thread cache → end every session and wait up to shutdown_timeout for the
 * registry to drain → force-close the rest, logged by id → join the remaining workers →
 * checkpoint and close the store → check that the registry is empty → "Shutdown complete".
 */

import { checkpointDatadir } from "../server/datadir.ts";
import type { Server } from "../server/server.ts";
import { PROGRAM_NAME } from "../server/version.ts";
import { describeRequest, type ShutdownRequest } from "./signal_listener.ts";

/** Where the sequence writes its log lines. */
export interface ShutdownLog {
  note(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

/** What the sequence works on. */
export interface ShutdownContext {
  server: Server;
  datadir: string;
  request: ShutdownRequest;
  /** shutdown_timeout in seconds: how long sessions get to end before they are forced. */
  shutdownTimeoutSeconds: number;
  log: ShutdownLog;
}

/** Run the shutdown; returns the process exit code (0 for a clean shutdown). */
export async function runShutdown(ctx: ShutdownContext): Promise<number> {
  const { server, log } = ctx;
  log.note(`${PROGRAM_NAME} (initiated by: ${describeRequest(ctx.request)}): Normal shutdown`);
  await server.stopListening();
  await server.threadCache.close();
  const stuck = await server.endSessions(ctx.shutdownTimeoutSeconds * 1000);
  for (const id of stuck) log.warning(`Forcing close of thread ${id}`);
  if (stuck.length > 0) server.abandonSessions();
  await server.threadCache.flush();
  let exitCode = 0;
  try {
    checkpointDatadir(ctx.datadir);
  } catch (error) {
    log.error(`Cannot checkpoint the store: ${error instanceof Error ? error.message : error}`);
    exitCode = 1;
  }
  const left = server.registry.thds.list();
  if (left.length > 0) {
    log.error(`Sessions still registered at shutdown: ${left.map((t) => t.id).join(", ")}`);
    exitCode = 1;
  }
  log.note(`${PROGRAM_NAME}: Shutdown complete`);
  return exitCode;
}
