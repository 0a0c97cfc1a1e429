/**
 * What a session's long waits check between slices (house rule 7, MySQL WL#14167): the KILL
 * word and the ALIVE word of the session's shared control array, set by the main thread, and
 * the PROCESSLIST state the session publishes while it waits.
 *
 * Every wait is an `Atomics.wait` of at most `SLICE_MS` on a shared word; the main thread
 * `Atomics.notify`s the KILL word after changing KILL or ALIVE, so a wait on that word ends at
 * once, and a wait on another word (a lock table's generation) ends within one slice.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";

/**
 * Slots of the control array this module reads and writes. Proposal for `ControlSlot`
 * (session_messages.ts): KILL stays 0; ALIVE, STATE and WAIT_SINCE are new.
 */
export const SignalSlot = {
  /** `KillValue`: written by the main thread (KILL, KILL QUERY, shutdown). */
  KILL: 0,
  /** 1 while the client socket is open; the main thread stores 0 when the client is gone. */
  ALIVE: 1,
  /** `SessionState` code the session is in; the main thread maps it with `STATE_TEXT`. */
  STATE: 2,
  /** Seconds (since `Date.now()/1000` mod 2^31) when the current wait began, 0 when none. */
  WAIT_SINCE: 3,
} as const;

/** Number of Int32 slots the control array needs for `SignalSlot`. */
export const SIGNAL_SLOTS = 4;

/** Values of the KILL slot (MySQL's THD::killed); the same as `KillState`. */
export const KillValue = {
  NOT_KILLED: 0,
  KILL_QUERY: 1,
  KILL_CONNECTION: 2,
  /** Killed by server shutdown (MariaDB's KILL_SERVER): ends the session with ERR 1053. */
  KILL_SERVER: 3,
} as const;

/** PROCESSLIST states a session publishes in the STATE slot. */
export const SessionState = {
  NONE: 0,
  EXECUTING: 1,
  USER_SLEEP: 2,
  WAITING_FOR_METADATA_LOCK: 3,
  WAITING_FOR_TABLE_LEVEL_LOCK: 4,
  USER_LOCK: 5,
} as const;

/** PROCESSLIST `State` text of each `SessionState` code (MySQL's stage names). */
export const STATE_TEXT: readonly string[] = [
  "",
  "executing",
  "User sleep",
  "Waiting for table metadata lock",
  "Waiting for table level lock",
  "User lock",
];

/** Longest single `Atomics.wait`: a kill is noticed within this, even on an un-notified word. */
export const SLICE_MS = 25;

/** The client went away (socket closed or net_write_timeout) while the session was busy. */
export class ClientGoneError extends MysqlError {
  constructor() {
    super(ER.ER_CONNECTION_KILLED, "Connection was killed");
    this.name = "ClientGoneError";
  }
}

/** True when `e` ends the session (KILL CONNECTION, shutdown or a client that is gone). */
export function endsSession(e: unknown): boolean {
  return e instanceof MysqlError &&
    (e.code === ER.ER_CONNECTION_KILLED || e.code === ER.ER_SERVER_SHUTDOWN);
}

/** What a session killed by shutdown gets (MySQL's THD::send_kill_message picks
 * ER_SERVER_SHUTDOWN, SQLSTATE 08S01, when the kill came from close_connections). */
export function serverShutdownError(): MysqlError {
  return new MysqlError(ER.ER_SERVER_SHUTDOWN, "Server shutdown in progress", "08S01");
}

/** What waits need from a session: kill checks, sliced waits and a published state. */
export interface WaitSignals {
  /** Throws 1317 (KILL QUERY), 1927 (KILL CONNECTION), 1053 (shutdown) or `ClientGoneError`. */
  check(): void;
  /** Wait until `array[index] !== value`, a notify, or `ms` (at most one slice) elapse. */
  waitOn(array: Int32Array, index: number, value: number, ms: number): void;
  /** Publish the PROCESSLIST state (a `SessionState` code). */
  setState(state: number): void;
}

/** Waits for callers without a session (tests, the main thread): never killed. */
export const NO_SIGNALS: WaitSignals = {
  check() {},
  waitOn(array, index, value, ms) {
    Atomics.wait(array, index, value, Math.max(0, Math.min(ms, SLICE_MS)));
  },
  setState() {},
};

/** A session's view of its control array. */
export class SessionSignals implements WaitSignals {
  readonly control: Int32Array;
  readonly #hasAlive: boolean;

  constructor(control: Int32Array) {
    this.control = control;
    this.#hasAlive = control.length > SignalSlot.ALIVE;
  }

  /** The KILL word now. */
  killState(): number {
    return Atomics.load(this.control, SignalSlot.KILL);
  }

  /** False once the main thread has stored ALIVE = 0. */
  alive(): boolean {
    return !this.#hasAlive || Atomics.load(this.control, SignalSlot.ALIVE) !== 0;
  }

  check(): void {
    const kill = Atomics.load(this.control, SignalSlot.KILL);
    if (kill === KillValue.KILL_SERVER) throw serverShutdownError();
    if (kill === KillValue.KILL_CONNECTION) {
      throw new MysqlError(ER.ER_CONNECTION_KILLED, "Connection was killed");
    }
    if (!this.alive()) throw new ClientGoneError();
    if (kill === KillValue.KILL_QUERY) {
      throw new MysqlError(ER.ER_QUERY_INTERRUPTED, "Query execution was interrupted");
    }
  }

  /** Clear a KILL QUERY at statement end (a KILL CONNECTION stays). */
  clearKillQuery(): void {
    Atomics.compareExchange(
      this.control,
      SignalSlot.KILL,
      KillValue.KILL_QUERY,
      KillValue.NOT_KILLED,
    );
  }

  /**
   * SLEEP(): wait `ms` on the KILL word, so KILL and client loss wake it at once.
   * "killed" for KILL QUERY (SLEEP then returns 1, as MySQL's), "gone" for KILL CONNECTION,
   * shutdown or a client that went away (the caller then fails the statement with `check()`).
   */
  sleep(ms: number): "done" | "killed" | "gone" {
    const end = performance.now() + Math.max(0, ms);
    for (;;) {
      const kill = Atomics.load(this.control, SignalSlot.KILL);
      if (kill >= KillValue.KILL_CONNECTION || !this.alive()) return "gone";
      if (kill === KillValue.KILL_QUERY) return "killed";
      const left = end - performance.now();
      if (left <= 0) return "done";
      Atomics.wait(this.control, SignalSlot.KILL, kill, Math.min(left, 50));
    }
  }

  waitOn(array: Int32Array, index: number, value: number, ms: number): void {
    Atomics.wait(array, index, value, Math.max(0, Math.min(ms, SLICE_MS)));
  }

  setState(state: number): void {
    if (this.control.length <= SignalSlot.WAIT_SINCE) return;
    Atomics.store(this.control, SignalSlot.STATE, state);
    const waiting = state !== SessionState.NONE && state !== SessionState.EXECUTING;
    Atomics.store(
      this.control,
      SignalSlot.WAIT_SINCE,
      waiting ? Math.max(1, Math.floor(Date.now() / 1000) % 0x7fffffff) : 0,
    );
  }

  /** The PROCESSLIST state text now (for the main thread, which holds the same array). */
  static stateText(control: Int32Array): string {
    if (control.length <= SignalSlot.STATE) return "";
    return STATE_TEXT[Atomics.load(control, SignalSlot.STATE)] ?? "";
  }
}
