/**
 * The messages between the main thread and a session worker.
 *
 * The main thread owns the socket and only frames packets: each client packet goes to the
 * worker as a `packet` message, and the worker answers with `write` messages holding bytes
 * already framed with their sequence ids (a whole result in one message, so one socket write per
 * command). Everything else is control.
 *
 * They travel through two shared rings per worker (`shared_channel.ts`), one each way, set up by
 * a `channels` postMessage when the worker starts. `packet` and `write` are binary frames
 * (`ChannelKind`); other messages are JSON, except the two that carry shared memory or Maps
 * (`open`, `rpc-reply`), which go by postMessage with a POSTED marker in the ring that keeps
 * their place in the order.
 */

import type { ErrorLogEntry } from "../log/error_log.ts";
import type { MemoryThreadBuffers } from "../memory/memory_tracker.ts";
import type { PeerAddress } from "../vio/peer_address.ts";

/** Global system variables as the main thread holds them. */
export type GlobalVariables = Map<string, string | number>;

/** Slots of the per-worker shared control array (`Int32Array` over a SharedArrayBuffer). */
export const ControlSlot = {
  /** `KillState`: set by KILL on the main thread, read by the worker between steps. The main
   * thread `Atomics.notify`s this word after changing KILL or ALIVE. */
  KILL: 0,
  /** 1 while the client socket is open, 0 once the client is gone (EOF, reset,
   * net_write_timeout, ...): the worker then abandons what it runs and sends nothing more. */
  ALIVE: 1,
} as const;

/** Values of the KILL slot (MySQL's THD::killed). */
export const KillState = {
  NOT_KILLED: 0,
  KILL_QUERY: 1,
  KILL_CONNECTION: 2,
  /** Killed by server shutdown (MariaDB's KILL_SERVER): the session ends with ERR 1053. */
  KILL_SERVER: 3,
} as const;

/** Number of Int32 slots in the control array (slots 2 and 3 are kept for the session's
 * PROCESSLIST state, see `session_signals.ts`). */
export const CONTROL_SLOTS = 4;

/** The session variables the main thread enforces for its socket (seconds, bytes). */
export interface NetVariables {
  /** wait_timeout, or interactive_timeout for a CLIENT_INTERACTIVE client (MySQL copies it
   * into the session's wait_timeout at connect). */
  waitTimeout: number;
  netReadTimeout: number;
  netWriteTimeout: number;
  maxAllowedPacket: number;
}

/** Kinds of the messages on a worker's shared rings. */
export const ChannelKind = {
  /** Main → worker: one client packet; arg = its sequence id, body = its payload. */
  PACKET: 1,
  /** Worker → main: framed bytes for the client; arg = 1 when they end a command's reply. */
  WRITE: 2,
  /** Either way: any other message as JSON (rare control messages). */
  JSON: 3,
  /** Main → worker: the next message comes by postMessage; wait for it before reading on. */
  POSTED: 4,
} as const;

/** Main thread → worker. */
export type ToWorker =
  /** Sent once by postMessage when the worker starts: its two rings (see `ChannelKind`). */
  | {
    t: "channels";
    inbound: SharedArrayBuffer;
    outbound: SharedArrayBuffer;
    /** The worker's memory tracker's shared buffers (server/memory). */
    memory: MemoryThreadBuffers;
  }
  /** Serve a new client connection (the main thread sent its greeting): wait for packets. */
  | {
    t: "open";
    connectionId: number;
    /** The scramble of the greeting, for the connection phase and COM_CHANGE_USER. */
    scramble: Uint8Array;
    peer: PeerAddress;
    /** Data directory: where the worker opens the store (once per worker). */
    datadir: string;
    /** Null when they are the same as at this thread's previous `open`: the worker keeps its
     * copy (cloning a few hundred variables per connection is a noticeable part of a connect). */
    globals: GlobalVariables | null;
    /** Server start time (ms since epoch), for Uptime in COM_STATISTICS. */
    startedAt: number;
    /** Shared control array (see `ControlSlot`). */
    control: SharedArrayBuffer;
    /** The session's status counters (`StatusCounters`), read by the main thread. */
    status: SharedArrayBuffer;
    /** Catalog epoch shared by all workers (the engine reloads its catalog when it moves). */
    catalogEpoch: SharedArrayBuffer;
    /** The server's lock table (metadata, LOCK TABLES and user locks), shared by all workers. */
    lockTable: SharedArrayBuffer;
  }
  /** One client packet. */
  | { t: "packet"; seq: number; payload: Uint8Array }
  /** The client is gone (or was killed): end the session; the worker replies `ended`. */
  | { t: "hangup" }
  /** Server shutdown, in order after any command in flight: a session still open sends an
   * unsolicited ERR 1053 and closes. */
  | { t: "shutdown" }
  /** A global variable changed (SET GLOBAL in some session). */
  | { t: "global"; name: string; value: string | number }
  /** Answer to an `rpc` message. */
  | { t: "rpc-reply"; id: number; ok: true; value: unknown }
  | { t: "rpc-reply"; id: number; ok: false; code: number; message: string; sqlState: string }
  /** Close the engine and exit the worker. */
  | { t: "exit" };

/** The ServerLink operations the main thread serves. */
export type RpcOp =
  | "processList"
  | "kill"
  | "globalStatus"
  | "setGlobalVariable"
  | "requestShutdown"
  | "memoryRows"
  | "plugins";

/** Worker → main thread. */
export type FromWorker =
  /** Framed bytes for the client. `done` marks the end of the reply to a command (the
   * connection goes back to Sleep in the process list). */
  | { t: "write"; bytes: Uint8Array; done: boolean }
  /** The command needed no reply (COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA). */
  | { t: "idle" }
  /** Authentication succeeded (also after COM_CHANGE_USER). */
  | { t: "authenticated"; user: string; db: string | null; maxAllowedPacket: number }
  /** The current database changed (USE, COM_INIT_DB). */
  | { t: "db"; db: string | null }
  /** The session's network variables, sent after authentication and whenever a command
   * changed one: the framer's limit and the VIO's timeouts follow. */
  | { t: "net"; vars: NetVariables }
  /** Close the socket once queued writes are out (COM_QUIT, failed login, fatal error). */
  | { t: "close" }
  /** The session ended after `hangup` or `close`; the worker can serve another. */
  | { t: "ended" }
  /** The worker closed its engine after `exit` and is about to end. */
  | { t: "exited" }
  /** An error-log line. */
  | { t: "log"; entry: ErrorLogEntry }
  /** A ServerLink call. */
  | { t: "rpc"; id: number; op: RpcOp; args: unknown[] };
