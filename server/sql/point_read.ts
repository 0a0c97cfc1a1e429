/**
 * Point reads: a SELECT of table columns whose WHERE pins a whole unique key, prepared once and
 * run synchronously many times (HandlerSocket's find, server/handlersocket). A run does what the
 * statement path (`Session.runPrepared`, dml_runner.ts `runPlan`) does for such a SELECT — the
 * per-statement session state, the catalog check and a recompile after DDL, privileges and the
 * metadata lock (`admitPlan`, shared with `runPlan`), the MySQL transaction hook, busy retries,
 * value conversion, error mapping (`planStoreError`, shared too) — and skips what it needs only
 * for other statements: tokens, digest and plan lookup, result column metadata, closures and
 * promises.
 *
 * A read group lets consecutive point reads of a session that is in autocommit mode with no
 * transaction open share one SQLite read snapshot and one metadata lock, which costs about half
 * as much per read as a snapshot and a lock each. HandlerSocket groups the finds a worker read in
 * one turn of its event loop: they all arrived before any was answered, so reading them at one
 * instant (after the last arrived) is a valid order for every client. A group covers one table
 * at one catalog epoch; any other statement of the session ends it first.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import { isBusyError } from "../store/store_errors.ts";
import { tokenize } from "./lexer.ts";
import type { Plan, Slot } from "./plan.ts";
import { admitPlan, bindValue, normalizeRow, planStoreError } from "./dml_runner.ts";
import { withBusyRetry } from "./transaction_state.ts";
import { readsMemoryViews } from "../memory/memory_views.ts";
import { readsProcessList } from "./processlist_view.ts";
import { sqlCommandSlot } from "./sql_command.ts";
import type { PointReader, SqlValue } from "./types.ts";
import type { Session } from "./session.ts";
import { endStatement, statementFailed } from "./statement_end.ts";

type Bind = ReturnType<typeof bindValue>;
type ConstSlot = Extract<Slot, { kind: "const" }>;

/** A prepared point read of a session. */
export class PointRead implements PointReader {
  readonly #session: Session;
  readonly #sql: string;
  readonly #slot: number;
  #plan: Plan;
  #epoch: number;
  #args: Bind[] = [];
  #closed = false;

  /** Compile `sql` (throws as SQL's prepare would); use `isPointPlan` before running. */
  constructor(session: Session, sql: string) {
    const tokens = tokenize(sql);
    this.#session = session;
    this.#sql = sql;
    this.#slot = sqlCommandSlot(tokens);
    this.#epoch = session.engine.catalog.epoch;
    this.#plan = session.planFor(sql, tokens);
  }

  /** Whether the compiled statement is a plain read that runs synchronously: a SELECT without
   * INTO, SQL_CALC_FOUND_ROWS or the views that ask the main thread for their rows. */
  get isPointPlan(): boolean {
    const p = this.#plan;
    return p.kind === "select" && !p.writes && p.intoVars.length === 0 && p.foundRows === null &&
      !readsMemoryViews(p) && !readsProcessList(p) &&
      p.slots.every((s) => s.kind === "param" || s.kind === "const");
  }

  /** The first row for `params`, or null. With `group`, the read may open a read group that
   * following point reads of the table share, until `ReadGroup.end`. */
  row(params: readonly SqlValue[], group: boolean): SqlValue[] | null {
    if (this.#closed) {
      throw new MysqlError(ER.ER_UNKNOWN_STMT_HANDLER, "Unknown point read handler");
    }
    const s = this.#session;
    s.startPointRead(this.#slot);
    const g = s.readGroup;
    try {
      const epoch = s.engine.catalog.epoch;
      if (epoch !== this.#epoch || !g.covers(this.#plan, epoch)) {
        g.end();
        this.#prepare(group);
      }
      return this.#read(params);
    } catch (e) {
      g.end();
      throw statementFailed(s, e);
    } finally {
      if (!g.active) endStatement(s);
    }
  }

  /** The checks of a run outside a group, and the group's start when asked for. */
  #prepare(group: boolean): void {
    const s = this.#session;
    if (s.engine.catalog.refresh(s.conn.db)) s.conn.invalidate();
    const epoch = s.engine.catalog.epoch;
    if (epoch !== this.#epoch) {
      this.#plan = s.planFor(this.#sql, tokenize(this.#sql));
      this.#epoch = epoch;
    }
    const plan = this.#plan;
    admitPlan(s, plan);
    if (group) s.readGroup.start(plan, epoch);
  }

  #read(params: readonly SqlValue[]): SqlValue[] | null {
    const s = this.#session;
    const plan = this.#plan;
    const slots = plan.slots;
    const args = this.#args;
    args.length = slots.length;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      args[i] = bindValue(slot.kind === "param" ? params[slot.index] : (slot as ConstSlot).value);
    }
    s.beforeStatement(false);
    let rows: unknown[];
    try {
      try {
        rows = s.conn.guard.all(plan.stmt, args);
      } catch (e) {
        if (!isBusyError(e)) throw e;
        rows = withBusyRetry(s, () => s.conn.guard.all(plan.stmt, args));
      }
    } catch (e) {
      throw planStoreError(s, plan, e);
    }
    s.foundRowsValue = rows.length;
    s.rowCountValue = -1;
    const row = rows[0] as unknown[] | undefined;
    return row === undefined ? null : normalizeRow(row, plan);
  }

  /** Forget the plan. Safe to call twice. */
  close(): void {
    this.#closed = true;
  }
}

/**
 * The read group of a session (see the module comment): a SQLite read transaction and the
 * statement-duration metadata lock of its first read, kept until `end`.
 */
export class ReadGroup {
  readonly #session: Session;
  #plan: Plan | null = null;
  #epoch = 0;

  constructor(session: Session) {
    this.#session = session;
  }

  /** True while a group is open. */
  get active(): boolean {
    return this.#plan !== null;
  }

  /** Whether the open group covers a read of `plan`'s table at catalog `epoch`. */
  covers(plan: Plan, epoch: number): boolean {
    const p = this.#plan;
    if (p === null || epoch !== this.#epoch) return false;
    return p === plan || (p.access.length === 1 && plan.access.length === 1 &&
      p.access[0]!.db === plan.access[0]!.db && p.access[0]!.table === plan.access[0]!.table);
  }

  /** Open a group for reads of `plan`'s table after its checks and lock, if the session is in
   * autocommit mode with no transaction (a transaction's reads keep their own snapshot). */
  start(plan: Plan, epoch: number): void {
    const s = this.#session;
    if (s.txn.open || !s.autocommit || s.conn.db.isTransaction || s.locks?.lockedTables) return;
    if (plan.access.length !== 1) return;
    s.conn.db.exec("BEGIN");
    this.#plan = plan;
    this.#epoch = epoch;
  }

  /** End the open group: its snapshot and its metadata lock go. Safe to call when none is. */
  end(): void {
    if (this.#plan === null) return;
    this.#plan = null;
    const s = this.#session;
    try {
      if (s.conn.db.isTransaction) s.conn.db.exec("COMMIT");
    } catch {
      // A read-only transaction: nothing to keep.
      if (s.conn.db.isTransaction) s.conn.db.exec("ROLLBACK");
    } finally {
      endStatement(s);
    }
  }
}
