/**
 * The one shutdown path (WL#6407): run by the main thread alone, after it joined the signal
 * listener. Every step is logged where MySQL / MariaDB log it; nothing else tears anything down.
 *
 * Order: "Normal shutdown" with who asked (and systemd's STOPPING=1) → stop accepting on every
 * listener → release the idle workers of the thread cache → mark every session killed by
 * shutdown and wake its waits (ERR 1053) → wait up to shutdown_timeout for the registry to
 * drain → force-close the rest, logged by id → join every worker (one stuck in synchronous or
 * native code is named and left to the process exit) → checkpoint and close the store → check
 * that the registry is empty and every tracked resource was released, naming where each
 * leftover was acquired → "Shutdown complete".
 */

import { checkpointDatadir } from "../server/datadir.ts";
import { resources } from "../server/resources/resource_tracker.ts";
import { memoryLeakReport } from "../server/memory/memory_leak_report.ts";
import type { Server } from "../server/server.ts";
import { PROGRAM_NAME } from "../server/version.ts";
import { describeRequest, type ShutdownRequest } from "./signal_listener.ts";
import type { SystemdNotifier } from "./systemd_notify.ts";

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
  /** systemd's notify socket, when the server runs as a Type=notify service. */
  notify?: SystemdNotifier | null;
}

/** How long force-closed sessions get to roll back and end before they are abandoned. */
const FORCE_GRACE_MS = 1000;

/** Run the shutdown; returns the process exit code (0 for a clean shutdown). */
export async function runShutdown(ctx: ShutdownContext): Promise<number> {
  const { server, log } = ctx;
  const who = describeRequest(ctx.request);
  log.note(`${PROGRAM_NAME} (initiated by: ${who}): Normal shutdown`);
  void ctx.notify?.stopping(who);
  await server.stopListening();
  await server.threadCache.close();
  await endSessions(ctx);
  const stuck = await server.joinThreads(Math.max(ctx.shutdownTimeoutSeconds * 1000, 1000));
  for (const name of stuck) {
    log.warning(`Thread ${name} did not exit: left running synchronous code until process exit`);
  }
  let exitCode = 0;
  try {
    checkpointDatadir(ctx.datadir);
  } catch (error) {
    log.error(`Cannot checkpoint the store: ${error instanceof Error ? error.message : error}`);
    exitCode = 1;
  }
  await ctx.notify?.status("Shutdown complete");
  await ctx.notify?.close();
  if (!checkReleased(server, log)) exitCode = 1;
  if (!memoryLeakReport(log)) exitCode = 1;
  log.note(`${PROGRAM_NAME}: Shutdown complete`);
  return exitCode;
}

/** Kill every session by shutdown, wait for the registry to drain, then force the rest. */
async function endSessions(ctx: ShutdownContext): Promise<void> {
  const { server, log } = ctx;
  const sessions = server.registry.thds.size;
  if (sessions > 0) void ctx.notify?.status(`Waiting for ${sessions} sessions to end`);
  server.killSessions();
  if (await server.registry.whenEmpty(ctx.shutdownTimeoutSeconds * 1000)) return;
  // MySQL's close_connections: "Forcing close of thread %ld  user: '%s'" (ER_FORCING_CLOSE).
  for (const s of server.forceCloseSessions()) {
    log.warning(`Forcing close of thread ${s.id}  user: '${s.user}'`);
  }
  if (await server.registry.whenEmpty(FORCE_GRACE_MS)) return;
  for (const s of server.abandonSessions()) {
    if (s.thread === null) continue;
    log.warning(
      `Thread ${s.thread} of connection ${s.id} does not answer: abandoned while running ` +
        "synchronous code",
    );
  }
}

/**
 * The last check: the THD registry is empty and every tracked resource was released. Each
 * leftover is logged as an ERROR with where it was acquired; returns whether all was clean.
 */
function checkReleased(server: Server, log: ShutdownLog): boolean {
  const sessions = server.registry.thds.list();
  if (sessions.length > 0) {
    log.error(
      `Sessions still registered at shutdown: ${sessions.map((t) => t.id).join(", ")}`,
    );
  }
  const held = resources.held();
  for (const r of held) {
    log.error(`Resource not released at shutdown: ${r.kind} ${r.name}, acquired at\n${r.where()}`);
  }
  return sessions.length === 0 && held.length === 0;
}
