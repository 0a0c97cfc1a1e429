/**
 * One client session in the engine (`SqlSession`): its database, variables, user variables,
 * warnings, transaction and temporary tables, and the hot path of a statement: tokenize,
 * digest, find the cached plan, bind, run.
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
import type { Plan } from "./plan.ts";
import { digest } from "./digest.ts";
import { compileDml, DML_WORDS } from "./dml_compiler.ts";
import type { CompileContext } from "./compile_context.ts";
import { runPlan } from "./dml_runner.ts";
import { pinsMatch } from "./plan_cache.ts";
import { TransactionState } from "./transaction_state.ts";
import type { StoreConnection } from "./store_connection.ts";
import type { Catalog } from "../store/catalog.ts";
import type { TableDef } from "../store/table_def.ts";
import { type ConversionMode, textOf } from "./column_values.ts";
import { dispatchStatement } from "./statement_dispatch.ts";
import {
  type GlobalValues,
  initialGlobals,
  SessionVariables,
} from "../variables/system_variables.ts";
import { SessionPrepared } from "./session_prepared.ts";
import { PointRead, ReadGroup } from "./point_read.ts";
import { fieldListColumns } from "./show_create_table.ts";
import { conversionMode, WriteCounters } from "./write_counters.ts";
import type { Privileges } from "../auth/privileges.ts";
import type { TableAccess } from "./plan.ts";
import type { LockTable } from "../locks/lock_table.ts";
import { MdlMode, SessionLocks, type TableLockRequest } from "../locks/mod.ts";
import { endsSession, type SessionSignals, SessionState } from "../session/session_signals.ts";
import type { StatusCounters } from "../thd/status_counters.ts";
import { sqlCommandSlot } from "./sql_command.ts";
import { markProcessListReader, processListJson, readsProcessList } from "./processlist_view.ts";
import {
  markMemoryReader,
  ownSamples,
  readsHeapSamples,
  readsMemoryViews,
  setMemoryRows,
} from "../memory/memory_views.ts";
import {
  checkAccess,
  checkDatabaseVisible,
  checkTableVisible,
  missingTableError,
  privilegesOf,
} from "./privilege_checks.ts";

/** What a session shares with its engine. */
export interface EngineCore {
  catalog: Catalog;
  serverVersion: string;
  /** The server's lock table (metadata and user locks), when the server shares one. */
  lockTable: LockTable | null;
  releaseConnection(conn: StoreConnection): void;
}

/** One warning, note or error for SHOW WARNINGS. */
export interface Warning {
  level: "Note" | "Warning" | "Error";
  code: number;
  message: string;
}

const MAX_WARNINGS = 64;

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
    this.vars = new SessionVariables(this.#globalValues());
    this.currentDb = null;
    this.locks = engine.lockTable
      ? new SessionLocks(engine.lockTable.attach(identity.connectionId))
      : null;
    this.txn = new TransactionState(conn.db, this);
    conn.host = new SessionFunctionHost(this);
    this.variablesChanged();
    this.writeCounters = new WriteCounters(this.#conversionMode(false));
    if (identity.db !== null) this.useDatabase(identity.db);
  }

  #globalValues(): GlobalValues {
    const g = initialGlobals();
    for (const [k, v] of this.globalsSource()) g.set(k, v);
    return g;
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
    const keepWarnings = first.kind === "word" && first.upper === "SHOW" && isDiagnostics(toks);
    return this.runPrepared(
      () => {
        if (
          (first.kind === "word" && DML_WORDS.has(first.upper)) ||
          (first.kind === "op" && first.value === "(")
        ) {
          return this.#runDml(sql, toks, params);
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
      throw this.statementFailed(e);
    };
    this.signals?.setState(SessionState.EXECUTING);
    this.status?.count(sqlCommandSlot(tokens));
    try {
      if (this.engine.catalog.refresh(this.conn.db)) this.conn.invalidate();
      const r = f();
      if (r instanceof Promise) return r.catch(fail).finally(() => this.endStatement());
      this.endStatement();
      return r;
    } catch (e) {
      this.endStatement();
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

  /** A failed statement's error as a MysqlError, recorded for SHOW ERRORS; an error that ends
   * the session (killed, client gone) also drops its transaction and locks. */
  statementFailed(e: unknown): MysqlError {
    const err = e instanceof MysqlError ? e : toMysqlError(e);
    // The client is gone or the connection was killed: nothing of the transaction stays.
    if (endsSession(err)) this.#abandon();
    this.warnings = [{ level: "Error", code: err.code, message: err.message }];
    return err;
  }

  /** Statement-duration locks go (or stay with the open transaction); KILL QUERY is spent. */
  endStatement(): void {
    this.locks?.endStatement(this.txn.open);
    const signals = this.signals;
    if (signals) {
      signals.clearKillQuery();
      signals.setState(SessionState.NONE);
    }
  }

  /** Roll back and drop every lock (the session is ending). */
  #abandon(): void {
    try {
      this.txn.rollback();
    } catch {
      // The connection is closing anyway; SQLite rolls back when it is closed.
    }
    this.locks?.releaseAll();
  }

  /** Take the metadata locks of a DML plan, or check them against LOCK TABLES. */
  lockPlan(plan: Plan): void {
    const locks = this.locks;
    if (!locks || plan.access.length === 0) return;
    const requests = plan.mdl ??= mdlRequests(plan);
    if (locks.lockedTables) {
      for (const r of requests) locks.checkLocked(r.db, r.name, r.mode !== MdlMode.S);
      return;
    }
    locks.acquire(requests, this.lockWaitTimeoutMdl());
  }

  /**
   * Before DDL on `tables`: commit implicitly, then take X on each, waiting for the open
   * transactions that use them ("Waiting for table metadata lock"); under LOCK TABLES each
   * must be WRITE-locked instead. The catalog is re-read after a wait.
   */
  lockForDdl(tables: readonly { db: string; name: string }[], checkLocked = true): void {
    this.implicitCommit();
    const locks = this.locks;
    const permanent = tables.filter((t) => !this.temps.has(`${t.db}\0${t.name}`));
    if (!locks || permanent.length === 0) return;
    if (locks.lockedTables) {
      if (checkLocked) { for (const t of permanent) locks.checkLocked(t.db, t.name, true); }
      return;
    }
    locks.acquire(
      permanent.map((t) => ({ db: t.db, name: t.name, mode: MdlMode.X })),
      this.lockWaitTimeoutMdl(),
    );
    if (this.engine.catalog.refresh(this.conn.db)) this.conn.invalidate();
  }

  /** lock_wait_timeout in seconds (metadata locks, LOCK TABLES). */
  lockWaitTimeoutMdl(): number {
    return Number(this.vars.get("lock_wait_timeout") ?? 31536000);
  }

  #runDml(sql: string, tokens: Token[], params: readonly SqlValue[]): Outcome {
    const d = digest(tokens, this.currentDb ?? "");
    let plan = this.conn.plans.get(d.key);
    if (plan && !pinsMatch(plan, d.literals)) plan = undefined;
    if (!plan) {
      plan = compileDml(this, sql, tokens);
      markProcessListReader(plan);
      markMemoryReader(plan);
      this.conn.plans.set(d.key, plan);
    }
    return this.runPlan(plan, sql, d.literals, params);
  }

  /** Run a compiled plan; one that reads information_schema.PROCESSLIST fetches it first. */
  runPlan(
    plan: Plan,
    sql: string,
    literals: readonly unknown[],
    params: readonly SqlValue[],
  ): Outcome {
    if (readsMemoryViews(plan) && this.link.memoryRows) {
      return this.link.memoryRows({ heapSamples: readsHeapSamples(plan) }).then((rows) => {
        // Without PROCESS an account sees only its own session's samples (as PROCESSLIST).
        const all = privilegesOf(this).global("PROCESS");
        setMemoryRows(all ? rows : ownSamples(rows, this.identity.connectionId));
        return this.#runPlanWithProcessList(plan, sql, literals, params);
      });
    }
    return this.#runPlanWithProcessList(plan, sql, literals, params);
  }

  #runPlanWithProcessList(
    plan: Plan,
    sql: string,
    literals: readonly unknown[],
    params: readonly SqlValue[],
  ): Outcome {
    if (!readsProcessList(plan)) return runPlan(this, plan, sql, literals, params);
    return this.link.processList().then((list) => {
      // Without PROCESS an account sees only its own threads (MySQL).
      const all = privilegesOf(this).global("PROCESS");
      this.processListJson = processListJson(
        all ? list : list.filter((p) => p.user === this.identity.user),
      );
      return runPlan(this, plan, sql, literals, params);
    });
  }

  /** Compile (or find) the plan of a DML statement for COM_STMT_PREPARE. */
  planFor(sql: string, tokens: Token[]): Plan {
    if (this.engine.catalog.refresh(this.conn.db)) this.conn.invalidate();
    this.#tokens = tokens;
    this.#sql = sql;
    const plan = compileDml(this, sql, tokens);
    markProcessListReader(plan);
    markMemoryReader(plan);
    return plan;
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

  // ---- variables -----------------------------------------------------------------------------

  /** @@name as a SQL value. */
  sysVar(name: string, scope: "global" | "session" | "default"): SqlValue {
    if (name === "warning_count") return this.warnings.length;
    if (name === "error_count") return this.warnings.filter((w) => w.level === "Error").length;
    if (name === "last_insert_id" || name === "identity") return this.lastInsertIdValue;
    const v = this.vars.get(name, scope);
    return v === null ? null : v;
  }

  getVariable(name: string): string | number | null {
    try {
      const v = this.sysVar(name, "default");
      return typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? textOf(v) : v;
    } catch {
      return null;
    }
  }

  // ---- session commands --------------------------------------------------------------------

  useDatabase(db: string): void {
    // MySQL checks access before existence: an unreachable database is 1044, not 1049.
    checkDatabaseVisible(this, db);
    if (
      !this.engine.catalog.schema(db) && db.toLowerCase() !== "information_schema" &&
      db.toLowerCase() !== "performance_schema"
    ) {
      this.engine.catalog.refresh(this.conn.db);
      if (!this.engine.catalog.schema(db)) {
        throw new MysqlError(ER.ER_BAD_DB_ERROR, `Unknown database '${db}'`);
      }
    }
    this.currentDb = db;
  }

  fieldList(table: string, wildcard: string): ColumnMeta[] {
    if (this.currentDb === null) throw new MysqlError(ER.ER_NO_DB_ERROR, "No database selected");
    checkTableVisible(this, this.currentDb, table);
    const def = this.findTable(this.currentDb, table);
    if (!def) {
      throw new MysqlError(ER.ER_NO_SUCH_TABLE, `Table '${this.currentDb}.${table}' doesn't exist`);
    }
    return fieldListColumns(def, wildcard);
  }

  reset(identity?: SessionIdentity): void {
    this.readGroup.end();
    this.txn.rollback();
    this.locks?.releaseAll();
    this.dropTemporaryTables();
    for (const p of [...this.#prepared]) p.close();
    this.userVars.clear();
    this.warnings = [];
    this.vars.reset();
    this.variablesChanged();
    this.lastInsertIdValue = 0;
    if (identity) this.identity = identity;
    this.privilegeCache = null;
    this.currentDb = null;
    if (this.identity.db !== null) {
      try {
        this.useDatabase(this.identity.db);
      } catch {
        this.currentDb = null;
      }
    }
  }

  /** Drop this session's TEMPORARY tables. */
  dropTemporaryTables(): void {
    if (this.temps.size === 0) return;
    for (const t of this.temps.values()) {
      try {
        this.conn.db.exec(
          `DROP TABLE IF EXISTS temp."${`${t.db}.${t.name}`.replaceAll('"', '""')}"`,
        );
      } catch {
        // The connection is being recycled; a failed drop leaves nothing another session sees.
      }
    }
    this.temps.clear();
    this.conn.invalidate();
  }

  close(): void {
    if (this.#closed) return;
    try {
      this.readGroup.end();
      this.txn.rollback();
      this.dropTemporaryTables();
      for (const p of [...this.#prepared]) p.close();
    } finally {
      this.locks?.close();
      this.#closed = true;
      this.conn.host = null;
      this.engine.releaseConnection(this.conn);
    }
  }
}

function isDiagnostics(tokens: Token[]): boolean {
  const w = tokens[1];
  if (!w || w.kind !== "word") return false;
  if (w.upper === "WARNINGS" || w.upper === "ERRORS") return true;
  return w.upper === "COUNT";
}

/** The metadata locks of a plan: SW on written tables (and FOR UPDATE), S on the rest. */
function mdlRequests(plan: Plan): TableLockRequest[] {
  const out = new Map<string, TableLockRequest>();
  for (const a of plan.access) {
    const write = plan.writes && (plan.kind === "select" || a.priv !== "SELECT");
    const mode = write ? MdlMode.SW : MdlMode.S;
    const key = `${a.db}\0${a.table}`;
    const seen = out.get(key);
    if (!seen || seen.mode < mode) out.set(key, { db: a.db, name: a.table, mode });
  }
  return [...out.values()];
}

function toMysqlError(e: unknown): MysqlError {
  const message = e instanceof Error ? e.message : String(e);
  return new MysqlError(1105, `Unknown error: ${message}`);
}
