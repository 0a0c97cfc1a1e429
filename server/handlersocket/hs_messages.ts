/**
 * Messages between the main thread (hs_service.ts) and a HandlerSocket worker thread
 * (hs_worker.ts). The main thread owns the sockets; a worker owns a store connection and the
 * executors of the connections it serves.
 */

/** Main thread → worker. */
export type ToHsWorker =
  | {
    t: "start";
    /** Data directory whose store the worker opens. */
    datadir: string;
    /** Shared catalog epoch (bumped on DDL). */
    catalogEpoch: SharedArrayBuffer;
    /** This worker's thread id in the THD registry. */
    threadId: number;
    /** Global variables the engine session reads. */
    globals: [string, string | number][];
  }
  | { t: "open"; conn: number; writable: boolean; secret: string }
  | { t: "lines"; conn: number; lines: Uint8Array[] }
  | { t: "close"; conn: number }
  | { t: "stop" };

/** Worker → main thread. */
export type FromHsWorker =
  | { t: "started" }
  | { t: "failed"; message: string }
  | {
    t: "reply";
    conn: number;
    data: Uint8Array;
    /** Hs_* counters of the worker so far. */
    requests: number;
    errors: number;
  }
  | { t: "stopped" };
