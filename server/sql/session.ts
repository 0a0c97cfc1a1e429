/**
 * One client session in the engine (`SqlSession`): its database, variables, user variables,
 * warnings, transaction and temporary tables, and the hot path of a statement: tokenize, set up
 * the per-statement state, run, end. What works on a session beside it: dml_statement.ts (find
 * the cached plan, run it), statement_locks.ts (metadata locks), statement_end.ts (a statement's
 * end or failure), sys_var.ts (@@variables), diagnostics_area.ts (SHOW WARNINGS) and
 * session_commands.ts (COM_INIT_DB, COM_FIELD_LIST, COM_RESET_CONNECTION).
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import { splitStatements, type Token, tokenize } from "./lexer.ts";
import type {
  ColumnMeta,
  PointReader,
  PreparedStatement,
  ServerLink,
  SessionIdentity,
  SqlSession,
  SqlValue,
  StatementResult,
} from "./types.ts";
import { SessionFunctionHost } from "./session_function_host.ts";
import type { Plan, TableAccess } from "./plan.ts";
import { DML_WORDS } from "./dml_compiler.ts";
import type { CompileContext } from "./compile_context.ts";
import { compilePlan, runDml } from "./dml_statement.ts";
import { TransactionState } from "./transaction_state.ts";
import type { StoreConnection } from "./store_connection.ts";
import type { Catalog } from "../store/catalog.ts";
import type { TableDef } from "../store/table_def.ts";
import type { ConversionMode } from "./column_values.ts";
import { dispatchStatement } from "./statement_dispatch.ts";
import { SessionVariables } from "../variables/system_variables.ts";
import { sessionGlobals, variableValue } from "./sys_var.ts";
import { keepsDiagnostics, MAX_WARNINGS, type Warning } from "./diagnostics_area.ts";
import { SessionPrepared } from "./session_prepared.ts";
import { PointRead, ReadGroup } from "./point_read.ts";
import { conversionMode, WriteCounters } from "./write_counters.ts";
import type { Privileges } from "../auth/privileges.ts";
import type { LockTable } from "../locks/lock_table.ts";
import { SessionLocks } from "../locks/mod.ts";
import { lockForDdl } from "./statement_locks.ts";
import { endStatement, statementFailed } from "./statement_end.ts";
import { type SessionSignals, SessionState } from "../session/session_signals.ts";
import type { StatusCounters } from "../thd/status_counters.ts";
import { sqlCommandSlot } from "./sql_command.ts";
import { checkAccess, missingTableError } from "./privilege_checks.ts";
import { dropTemporaryTables, fieldList, resetSession, useDatabase } from "./session_commands.ts";

/** What a session shares with its engine. */
export interface EngineCore {
  catalog: Catalog;
  serverVersion: string;
  /** The server's lock table (metadata and user locks), when the server shares one. */
  lockTable: LockTable | null;
  releaseConnection(conn: StoreConnection): void;
}

/** A statement's result, or a promise of it for statements that ask the main thread. */
export type Outcome = StatementResult | Promise<StatementResult>;

/** A session. */
export class Session implements SqlSession, CompileContext {
  identity: SessionIdentity;
  readonly engine: EngineCore;
  readonly conn: StoreConnection;
  readonly link: ServerLink;
  readonly vars: SessionVariables;
  readonly globalsSource: () => ReadonlyMap<string, string | number>;
  currentDb: string | null;
  readonly txn: TransactionState;
  userVars = new Map<string, SqlValue>();
  warnings: Warning[] = [];
  lastInsertIdValue: number | bigint = 0;
  rowCountValue = -1;
  foundRowsValue = 0;
  temps = new Map<string, TableDef>();
  readonly writeCounters: WriteCounters;
  /** The account's privileges and the catalog epoch they were read at (privilege_checks.ts). */
  privilegeCache: { epoch: number; privileges: Privileges } | null = null;
  /** Set by KILL QUERY through the server hook; checked between lock-wait slices. */
  interrupted: () => boolean = () => false;
  /** The session's kill / alive state and PROCESSLIST state (see `attachSignals`). */
  signals: SessionSignals | null = null;
  /** Metadata, LOCK TABLES and user locks; null when the engine has no lock table. */
  readonly locks: SessionLocks | null;
  /** The session's status counters (Com_*), when a client connection keeps them. */
  status: StatusCounters | null = null;
  /** The process list fetched for the running statement (information_schema.PROCESSLIST). */
  processListJson = "[]";
  /** Point reads sharing one snapshot (point_read.ts); every other statement ends it first. */
  readonly readGroup: ReadGroup = new ReadGroup(this);
  #now: Date | null = null;
  #autocommit = true;
  #sqlMode = "";
  #tokens: Token[] = [];
  #sql = "";
  #closed = false;
  #prepared = new Set<SessionPrepared>();

  constructor(
    engine: EngineCore,
    conn: StoreConnection,
    identity: SessionIdentity,
    link: ServerLink,
    globals: () => ReadonlyMap<string, string | number>,
  ) {
    this.engine = engine;
    this.conn = conn;
    this.identity = identity;
    this.link = link;
    this.globalsSource = globals;
    this.vars = new SessionVariables(sessionGlobals(this.globalsSource()));
    this.currentDb = null;
    this.locks = engine.lockTable
      ? new SessionLocks(engine.lockTable.attach(identity.connectionId))
      : null;
    this.txn = new TransactionState(conn.db, this);
    conn.host = new SessionFunctionHost(this);
    this.variablesChanged();
    this.writeCounters = new WriteCounters(this.#conversionMode(false));
    if (identity.db !== null) useDatabase(this, identity.db);
  }

  /**
   * Make every wait of this session cooperative over its control array: SLEEP, lock waits,
   * store busy retries and long scans then end on KILL, KILL QUERY or a client that is gone.
   */
  attachSignals(signals: SessionSignals): void {
    this.signals = signals;
    if (this.locks) this.locks.signals = signals;
  }

  get db() {
    return this.conn.db;
  }

  get inTransaction(): boolean {
    return this.txn.open;
  }

  get autocommit(): boolean {
    return this.#autocommit;
  }

  /** Re-read the variables the hot path caches (after SET / reset). */
  variablesChanged(): void {
    this.#autocommit = Number(this.vars.get("autocommit")) === 1;
    this.#sqlMode = String(this.vars.get("sql_mode") ?? "");
  }

  get pipesAsConcat(): boolean {
    return this.sqlMode().includes("PIPES_AS_CONCAT");
  }

  /** The session's sql_mode. */
  sqlMode(): string {
    return this.#sqlMode;
  }

  splitStatements(sql: string): string[] {
    return splitStatements(sql);
  }

  // ---- statements ------------------------------------------------------------------------

  async execute(sql: string): Promise<StatementResult> {
    return await this.executeSync(sql, []);
  }

  /** Run one statement synchronously (params for prepared DML). */
  executeSync(sql: string, params: readonly SqlValue[], tokens?: Token[]): Outcome {
    if (this.#closed) throw new MysqlError(1105, "Cannot run a statement: the session is closed");
    const toks = tokens ?? tokenize(sql);
    const first = toks[0]!;
    if (first.kind === "eof") throw new MysqlError(ER.ER_EMPTY_QUERY, "Query was empty");
    const keepWarnings = first.kind === "word" && first.upper === "SHOW" && keepsDiagnostics(toks);
    return this.runPrepared(
      () => {
        if (
          (first.kind === "word" && DML_WORDS.has(first.upper)) ||
          (first.kind === "op" && first.value === "(")
        ) {
          return runDml(this, sql, toks, params);
        }
        return dispatchStatement(this, sql, toks);
      },
      sql,
      toks,
      keepWarnings,
    );
  }

  /** Run statement work `f` with the per-statement state set up and errors recorded. */
  runPrepared(f: () => Outcome, sql: string, tokens: Token[], keepWarnings = false): Outcome {
    this.readGroup.end();
    if (!keepWarnings && this.warnings.length > 0) this.warnings = [];
    this.#now = null;
    this.#tokens = tokens;
    this.#sql = sql;
    const fail = (e: unknown): never => {
      throw statementFailed(this, e);
    };
    this.signals?.setState(SessionState.EXECUTING);
    this.status?.count(sqlCommandSlot(tokens));
    try {
      if (this.engine.catalog.refresh(this.conn.db)) this.conn.invalidate();
      const r = f();
      if (r instanceof Promise) return r.catch(fail).finally(() => endStatement(this));
      endStatement(this);
      return r;
    } catch (e) {
      endStatement(this);
      return fail(e);
    }
  }

  /** What `runPrepared` does before a statement, for a point read (`com`: its Com_* slot). */
  startPointRead(com: number): void {
    if (this.#closed) throw new MysqlError(1105, "Cannot run a statement: the session is closed");
    if (this.warnings.length > 0) this.warnings = [];
    this.#now = null;
    this.signals?.setState(SessionState.EXECUTING);
    this.status?.count(com);
  }

  /** Before DDL on `tables`: an implicit commit, then X on each (statement_locks.ts). */
  lockForDdl(tables: readonly { db: string; name: string }[], checkLocked = true): void {
    lockForDdl(this, tables, checkLocked);
  }

  /** Compile (or find) the plan of a DML statement for COM_STMT_PREPARE. */
  planFor(sql: string, tokens: Token[]): Plan {
    if (this.engine.catalog.refresh(this.conn.db)) this.conn.invalidate();
    this.#tokens = tokens;
    this.#sql = sql;
    return compilePlan(this, sql, tokens);
  }

  prepare(sql: string): PreparedStatement {
    const p = new SessionPrepared(this, sql, () => this.#prepared.delete(p));
    this.#prepared.add(p);
    return p;
  }

  preparePointRead(sql: string): PointReader | null {
    this.readGroup.end();
    const read = new PointRead(this, sql);
    return read.isPointPlan ? read : null;
  }

  endReadGroup(): void {
    this.readGroup.end();
  }

  /** Text of source tokens [from, to) of the current statement. */
  itemText(sql: string, from: number, to: number): string {
    const t = this.#tokens;
    if (sql !== this.#sql || to <= from) return "";
    return sql.slice(t[from]!.start, t[to - 1]!.end);
  }

  /** Decoded value of token `i` of the current statement. */
  tokenValue(i: number): string {
    return this.#tokens[i]?.value ?? "";
  }

  // ---- transaction hooks -----------------------------------------------------------------

  /** Before a DML statement: start the MySQL / SQLite transaction it needs. */
  beforeStatement(writes: boolean): void {
    if (!this.txn.open && !this.autocommit) this.txn.open = true;
    this.txn.prepare(writes);
  }

  afterStatement(): void {}

  /** Commit implicitly, as MySQL does before DDL and account statements. */
  implicitCommit(): void {
    if (this.txn.open || this.conn.db.isTransaction) this.txn.commit();
  }

  /** The transaction ended (commit, rollback, implicit commit): its metadata locks go. */
  transactionEnded(): void {
    this.locks?.endTransaction();
  }

  checkAlive(): void {
    if (this.signals) {
      this.signals.check();
      return;
    }
    if (this.interrupted()) {
      throw new MysqlError(ER.ER_QUERY_INTERRUPTED, "Query execution was interrupted");
    }
  }

  lockWaitTimeout(): number {
    return Number(this.vars.get("innodb_lock_wait_timeout") ?? 50);
  }

  // ---- CompileContext ----------------------------------------------------------------------

  findTable(db: string, name: string): TableDef | undefined {
    return this.temps.get(`${db}\0${name}`) ?? this.engine.catalog.table(db, name);
  }

  checkAccess(access: readonly TableAccess[]): void {
    if (access.length > 0) checkAccess(this, access);
  }

  noSuchTable(db: string, name: string, priv: string): MysqlError {
    return missingTableError(this, db, name, priv);
  }

  specId(table: TableDef, col: import("../store/table_def.ts").ColumnDef): number {
    return this.conn.specId(table, col);
  }

  /** MySQL 8.0's 1062: `Duplicate entry '5' for key 't.PRIMARY'`. */
  duplicateError(table: TableDef | null, storeColumns: string[]): MysqlError {
    return this.writeCounters.duplicateError(table, storeColumns);
  }

  // ---- write statement counters ------------------------------------------------------------

  beginWriteCounters(plan: Plan): void {
    this.writeCounters.begin(this.#conversionMode(plan.ignore));
  }

  #conversionMode(ignore: boolean): ConversionMode {
    return conversionMode(this.sqlMode(), ignore, (code, message) => this.warn(code, message));
  }

  // ---- what the registered functions share (see session_function_host.ts) -----------------

  getUserVar(name: string): SqlValue {
    return this.userVars.get(name.toLowerCase()) ?? null;
  }
  setUserVar(name: string, value: SqlValue): void {
    this.userVars.set(name.toLowerCase(), value);
  }
  /** Statement start time: NOW() is constant within a statement. */
  now(): Date {
    return this.#now ??= new Date();
  }
  warn(code: number, message: string, level: Warning["level"] = "Warning"): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push({ level, code, message });
  }
  /** Warnings, errors and notes of the last statement (warning_count). */
  warningCount(): number {
    return this.warnings.length;
  }

  // ---- session commands (session_commands.ts) and variables (sys_var.ts) --------------------

  getVariable(name: string): string | number | null {
    return variableValue(this, name);
  }

  useDatabase(db: string): void {
    useDatabase(this, db);
  }

  fieldList(table: string, wildcard: string): ColumnMeta[] {
    return fieldList(this, table, wildcard);
  }

  reset(identity?: SessionIdentity): void {
    resetSession(this, this.#prepared, identity);
  }

  close(): void {
    if (this.#closed) return;
    try {
      this.readGroup.end();
      this.txn.rollback();
      dropTemporaryTables(this);
      for (const p of [...this.#prepared]) p.close();
    } finally {
      this.locks?.close();
      this.#closed = true;
      this.conn.host = null;
      this.engine.releaseConnection(this.conn);
    }
  }
}
