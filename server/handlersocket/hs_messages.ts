/**
 * How the main thread (hs_thread.ts, hs_service.ts) and a HandlerSocket worker thread
 * (hs_worker.ts) talk. Each worker owns its sockets, as each thread of the original plugin has
 * its own epoll: it listens on its port with SO_REUSEPORT beside the port's other workers, the
 * kernel spreads the connections over them, and a request never leaves the thread that reads
 * it. The main thread only starts, stops and watches the workers: control goes by postMessage
 * and the counters the THD registry and SHOW STATUS read live in a shared array.
 */

import type { MemoryThreadBuffers } from "../memory/memory_tracker.ts";

/** What a worker serves: its port and that port's settings. */
export interface HsListen {
  hostname: string;
  port: number;
  /** The read-write port (handlersocket_port_wr). */
  writable: boolean;
  /** handlersocket_plain_secret(_wr) of the port; "" needs no `A` request. */
  secret: string;
  /** Close a connection idle this long (handlersocket_timeout, ms; 0: never). */
  idleTimeoutMs: number;
  /** Longest request line in bytes. */
  maxLine: number;
}

/** Main thread → worker: the first message. */
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
  /** The port to listen on. */
  listen: HsListen;
  /** The worker's counters (`HsCounter` slots), read by the main thread. */
  counters: SharedArrayBuffer;
  /** The session's control array (server/session/session_signals.ts): the main thread stores
   * KILL there to end a statement that waits (a lock held by SQL) before the worker ends. */
  control: SharedArrayBuffer;
  /** The worker's memory tracker's shared buffers (server/memory). */
  memory?: MemoryThreadBuffers;
}

/** Main thread → worker, after `start`. */
export type ToHsWorker =
  | HsStart
  /** Close the listener (shutdown's first step); answered by `unlistened`. */
  | { t: "unlisten" }
  /** Close the listener and every connection; answered by `quiet`. */
  | { t: "quiesce" }
  /** Close the session and the store connection and exit; answered by `stopped`. */
  | { t: "stop" }
  /** Look at the memory samplers' settings and requests now (server/memory). */
  | { t: "wake" };

/** Worker → main thread. */
export type FromHsWorker =
  | { t: "started" }
  | { t: "failed"; message: string }
  | { t: "unlistened" }
  | { t: "quiet" }
  | { t: "stopped" };

/** Slots of a worker's shared counters (a Float64Array: one writer, the worker). */
export const HsCounter = {
  /** Connections open now. */
  CONNS: 0,
  /** Connections being answered now. */
  ACTIVE: 1,
  /** Requests answered (Hs_requests). */
  REQUESTS: 2,
  /** Requests answered with an error line (Hs_request_errors). */
  ERRORS: 3,
  /** Connections accepted (Hs_connections). */
  ACCEPTED: 4,
  /** Bytes read from and written to the worker's connections. */
  BYTES_RECEIVED: 5,
  BYTES_SENT: 6,
} as const;

/** Slots in a worker's counters. */
export const HS_COUNTERS = 7;
