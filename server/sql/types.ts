/**
 * The contract between the SQL engine and whoever drives it (the worker's protocol session).
 *
 * The engine knows SQL and not bytes: it takes statement text and parameter values and returns
 * rows with MySQL column metadata, or an OK summary. It throws `MysqlError` on failure.
 */

import type { MemoryRows } from "../memory/memory_registry.ts";
import type { SessionSignals } from "../session/session_signals.ts";

/** A value as the engine returns it or takes it as a parameter. */
export type SqlValue = null | number | bigint | string | Uint8Array;

/** One result column, described as MySQL's Protocol::ColumnDefinition41 needs it. */
export interface ColumnMeta {
  /** Column name or alias as the client sees it. */
  name: string;
  /** Name of the column in its table, "" for an expression. */
  orgName: string;
  /** Table alias, "" for an expression. */
  table: string;
  /** Table name, "" for an expression. */
  orgTable: string;
  /** Database name, "" for an expression. */
  db: string;
  /** MySQL type code (`ColumnType`). */
  type: number;
  /** Column flags (`ColumnFlag`). */
  flags: number;
  /** Maximum display length in bytes, as MySQL reports it (e.g. 11 for INT, 4*N for VARCHAR(N)). */
  length: number;
  /** Decimals: 0 for integers and strings, 31 for floating point without a fixed scale. */
  decimals: number;
  /** Collation id (`Collation`): 63 for numbers, dates and binary strings only. */
  charset: number;
}

/** Result of a statement that returns rows. */
export interface RowsResult {
  kind: "rows";
  columns: ColumnMeta[];
  /** Row values in column order. Numbers for integer and floating columns (bigint past 2^53),
   * strings in MySQL's text form for DECIMAL, dates, times and character data, Uint8Array for
   * binary strings, null for SQL NULL. */
  rows: SqlValue[][];
}

/** Result of a statement that returns no rows. */
export interface OkResult {
  kind: "ok";
  affectedRows: number;
  insertId: number | bigint;
  warnings: number;
  /** Info text, e.g. "Records: 3  Duplicates: 0  Warnings: 0"; "" when none. */
  info: string;
}

/** What one statement produces. */
export type StatementResult = RowsResult | OkResult;

/** A prepared statement as COM_STMT_PREPARE reports it. */
export interface PreparedInfo {
  /** Number of `?` placeholders. */
  paramCount: number;
  /** Result columns when known at prepare time; empty for statements without a result set. */
  columns: ColumnMeta[];
}

/** One row of the process list (SHOW PROCESSLIST, information_schema.PROCESSLIST). */
export interface ProcessInfo {
  id: number;
  user: string;
  host: string;
  db: string | null;
  command: string;
  timeMs: number;
  state: string;
  info: string | null;
}

/**
 * Server-wide operations a session cannot do alone: they concern other sessions or global
 * state owned by the main thread. In a worker they are messages to the main thread.
 */
export interface ServerLink {
  /** Rows for SHOW PROCESSLIST. */
  processList(): Promise<ProcessInfo[]>;
  /** KILL [QUERY] id on behalf of `byUser`; throws ER_NO_SUCH_THREAD / ER_KILL_DENIED_ERROR. */
  kill(
    id: number,
    options: { queryOnly: boolean; byUser: string; canKillAny: boolean },
  ): Promise<void>;
  /** Status counters by MySQL name (Uptime, Threads_connected, ...); with "session" the
   * session's own counters (Questions, Com_*, Bytes_*) replace the global ones. */
  globalStatus(scope?: "global" | "session"): Promise<Map<string, string | number>>;
  /** Set a global system variable; the main thread validates and broadcasts it. */
  setGlobalVariable(name: string, value: string | number): Promise<void>;
  /** Ask for shutdown (SHUTDOWN statement / COM_SHUTDOWN). */
  requestShutdown(byUser: string): Promise<void>;
  /** INSTALL / UNINSTALL PLUGIN, and SHOW PLUGINS' rows of loadable plugins ("list"). */
  plugins?(op: "install" | "uninstall" | "list", name: string, library: string): Promise<unknown>;
  /** The memory tables' rows, of every thread (server/memory/memory_registry.ts);
   * JS_HEAP_SAMPLES' only with `heapSamples`. */
  memoryRows?(options?: { heapSamples?: boolean }): Promise<MemoryRows>;
}

/** Who a session is: fixed at authentication, changed by COM_CHANGE_USER. */
export interface SessionIdentity {
  /** Connection id: the handshake's thread id and CONNECTION_ID(). */
  connectionId: number;
  /** Authenticated user name (USER() is `user@host`). */
  user: string;
  /** Client host as MySQL reports it: "localhost" for loopback and Unix socket. */
  host: string;
  /** Account host pattern matched at login (CURRENT_USER() is `user@accountHost`). */
  accountHost: string;
  /** Default database from the handshake, or null. */
  db: string | null;
  /** Whether the client set CLIENT_INTERACTIVE (interactive_timeout applies). */
  interactive: boolean;
}

/** A statement prepared by COM_STMT_PREPARE. */
export interface PreparedStatement {
  readonly info: PreparedInfo;
  /** Run with one value per placeholder. */
  execute(params: SqlValue[]): Promise<StatementResult>;
  /** Like `execute`, but the result itself when the statement finished synchronously (all but
   * those that ask the main thread, e.g. for the process list); it throws synchronously too. */
  run(params: readonly SqlValue[]): StatementResult | Promise<StatementResult>;
  /** Free it (COM_STMT_CLOSE). Safe to call twice. */
  close(): void;
}

/** A SELECT of table columns by a whole unique key, prepared for synchronous runs
 * (HandlerSocket's find; see point_read.ts). */
export interface PointReader {
  /**
   * The first row for one value per placeholder, or null; throws `MysqlError` as `execute`
   * would. With `group`, the read may open a read group: the point reads of the same table
   * that follow share its snapshot and metadata lock until `SqlSession.endReadGroup` or any
   * other statement of the session.
   */
  row(params: readonly SqlValue[], group: boolean): SqlValue[] | null;
  /** Free it. Safe to call twice. */
  close(): void;
}

/** One client session inside the engine: its database, variables, transaction and statements. */
export interface SqlSession {
  readonly identity: SessionIdentity;
  /** Current database (DATABASE()), or null. */
  readonly currentDb: string | null;
  /** True while a transaction is open (SERVER_STATUS_IN_TRANS). */
  readonly inTransaction: boolean;
  /** Value of @@autocommit (SERVER_STATUS_AUTOCOMMIT). */
  readonly autocommit: boolean;
  /** Split a COM_QUERY text into statements (CLIENT_MULTI_STATEMENTS). */
  splitStatements(sql: string): string[];
  /** Run one statement. */
  execute(sql: string): Promise<StatementResult>;
  /** Prepare one statement. */
  prepare(sql: string): PreparedStatement;
  /** Prepare a point read (`SELECT columns FROM t WHERE k1 <=> ? AND ...`); null when the
   * statement compiles to something else than a plain synchronous read. */
  preparePointRead(sql: string): PointReader | null;
  /** End the read group point reads opened, if any. */
  endReadGroup(): void;
  /** Make the session's waits (SLEEP, lock waits, long statements) end on KILL and on a client
   * that is gone (server/session/session_signals.ts). */
  attachSignals(signals: SessionSignals): void;
  /** COM_INIT_DB: like USE. */
  useDatabase(db: string): void;
  /** COM_FIELD_LIST: the columns of a table, optionally filtered by a LIKE wildcard. */
  fieldList(table: string, wildcard: string): ColumnMeta[];
  /** Read a session variable by name (e.g. "max_allowed_packet", "wait_timeout"). */
  getVariable(name: string): string | number | bigint | null;
  /** COM_RESET_CONNECTION and COM_CHANGE_USER: roll back, drop temporaries, statements and
   * user variables, reset variables to global values; a new identity when given. */
  reset(identity?: SessionIdentity): void;
  /** Roll back, release everything the session holds. Safe to call twice. */
  close(): void;
}
