/**
 * How the main thread (hs_service.ts) and a HandlerSocket worker thread (hs_worker.ts) talk.
 * `start` goes by postMessage; after that every message travels through two shared-memory byte
 * rings (server/session/shared_channel.ts), one each way, because a postMessage round trip
 * costs more than answering a find. The main thread owns the sockets; a worker owns a store
 * connection and the executors of the connections it serves.
 */

import type { MemoryThreadBuffers } from "../memory/memory_tracker.ts";

/** Main thread → worker, by postMessage. */
export interface HsStart {
  t: "start";
  /** Data directory whose store the worker opens. */
  datadir: string;
  /** Shared catalog epoch (bumped on DDL). */
  catalogEpoch: SharedArrayBuffer;
  /** The server's lock table, so HandlerSocket honours SQL's locks. */
  lockTable: SharedArrayBuffer | null;
  /** This worker's thread id in the THD registry. */
  threadId: number;
  /** Global variables the engine session reads. */
  globals: [string, string | number][];
  /** Ring main → worker. */
  inbound: SharedArrayBuffer;
  /** Ring worker → main. */
  outbound: SharedArrayBuffer;
  /** The worker's memory tracker's shared buffers (server/memory). */
  memory?: MemoryThreadBuffers;
}

/** Worker → main thread, by postMessage. */
export type FromHsWorker =
  | { t: "started" }
  | { t: "failed"; message: string }
  | { t: "stopped" };

/** Message kinds in the inbound ring. Bodies start with the connection id (u32 LE). */
export const HsIn = {
  /** A connection was accepted; arg 1 on the write port; body: conn, then the port's secret. */
  OPEN: 1,
  /** Complete request lines of a connection; body: conn, then the lines, each ending in LF. */
  LINES: 2,
  /** The connection ended; body: conn. */
  CLOSE: 3,
  /** Close everything and exit; no body. */
  STOP: 4,
} as const;

/** Message kind in the outbound ring: the answers to one LINES message; body: conn, requests
 * and errors of the worker so far (u32 LE each), then the answer lines. */
export const HS_REPLY = 1;

/** Bytes before the payload of a REPLY body. */
export const HS_REPLY_HEADER = 12;

/** A body that starts with `conn` (u32 LE), followed by `payload`. */
export function withConn(conn: number, payload: Uint8Array, extra: number[] = []): Uint8Array {
  const head = 4 * (1 + extra.length);
  const out = new Uint8Array(head + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, conn, true);
  extra.forEach((v, i) => view.setUint32(4 * (i + 1), v >>> 0, true));
  out.set(payload, head);
  return out;
}

/** Write `value` as a u32 LE at `at` of `body`. */
export function putU32(body: Uint8Array, at: number, value: number): void {
  body[at] = value & 0xff;
  body[at + 1] = (value >>> 8) & 0xff;
  body[at + 2] = (value >>> 16) & 0xff;
  body[at + 3] = (value >>> 24) & 0xff;
}

/** The u32 LE at `at` of `body`. */
export function u32(body: Uint8Array, at: number): number {
  return (body[at]! | (body[at + 1]! << 8) | (body[at + 2]! << 16) | (body[at + 3]! << 24)) >>> 0;
}
