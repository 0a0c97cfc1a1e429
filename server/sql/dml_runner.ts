/**
 * Running a compiled plan: binding the statement's literals, parameters and variables, running
 * it on the session's store connection inside the right transaction, and shaping the result as
 * MySQL returns it (metadata, values, affected rows, insert id, info text).
 */

import type { Plan, Slot } from "./plan.ts";
import type { ColumnMeta, OkResult, RowsResult, SqlValue, StatementResult } from "./types.ts";
import { expressionMeta } from "./column_meta.ts";
import { withBusyRetry } from "./transaction_state.ts";
import { mapStoreError } from "../store/store_errors.ts";
import type { MysqlError } from "../errors/mysql_error.ts";
import type { Session } from "./session.ts";
import { assignInto } from "./select_into.ts";
import { lockPlan } from "./statement_locks.ts";
import { sysVar } from "./sys_var.ts";

type Bind = null | number | bigint | string | Uint8Array;

/** The bound value of a SQL value: integers as bigint (node:sqlite binds numbers as REAL). */
export function bindValue(v: unknown): Bind {
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === "boolean") return v ? 1n : 0n;
  // Past the store's signed 64-bit range: bind the digits; the column converter parses them.
  if (typeof v === "bigint" && (v > 9223372036854775807n || v < -9223372036854775808n)) {
    return v.toString();
  }
  if (v === undefined) return null;
  if (typeof v === "string") return toStoredText(v);
  return v as Bind;
}

function bindSlots(
  s: Session,
  slots: Slot[],
  literals: readonly unknown[],
  params: readonly SqlValue[],
): Bind[] {
  const out = new Array<Bind>(slots.length);
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    switch (slot.kind) {
      case "lit":
        out[i] = literals[slot.index] as Bind;
        break;
      case "param":
        out[i] = bindValue(params[slot.index]);
        break;
      case "uservar":
        out[i] = bindValue(s.getUserVar(slot.name));
        break;
      case "sysvar":
        out[i] = bindValue(sysVar(s, slot.name, slot.scope));
        break;
      case "const":
        out[i] = bindValue(slot.value);
    }
  }
  return out;
}

/**
 * node:sqlite reads TEXT only up to its first NUL byte, so a NUL inside a string is stored as
 * U+FDD0 (a noncharacter) and turned back here; `bindValue` and `literalValue` do the other half.
 */
export const STORED_NUL = "\ufdd0";

/** A string as the store keeps it (NUL as STORED_NUL). */
export function toStoredText(s: string): string {
  return s.includes("\0") ? s.replaceAll("\0", STORED_NUL) : s;
}

/** A stored row as MySQL returns it: safe integers as numbers, NULs restored, converters run. */
export function normalizeRow(row: unknown[], plan: Plan): SqlValue[] {
  const conv = plan.converters;
  for (let c = 0; c < row.length; c++) {
    let v = row[c];
    if (typeof v === "bigint" && v >= -9007199254740991n && v <= 9007199254740991n) v = Number(v);
    else if (typeof v === "string" && v.includes(STORED_NUL)) v = v.replaceAll(STORED_NUL, "\0");
    const f = conv[c];
    row[c] = f ? f(v) : v;
  }
  return row as SqlValue[];
}

function resultColumns(plan: Plan, rows: SqlValue[][], sql: string, s: Session): ColumnMeta[] {
  const out = new Array<ColumnMeta>(plan.columns.length);
  for (let c = 0; c < plan.columns.length; c++) {
    const name = plan.names[c]!;
    let meta = plan.columns[c] ?? null;
    let display: string | null = null;
    if (name.kind === "text") display = s.itemText(sql, name.from, name.to);
    else if (name.kind === "literal") display = s.tokenValue(name.token);
    if (meta === null) {
      let sample: unknown = null;
      for (const r of rows) {
        if (r[c] !== null) {
          sample = r[c];
          break;
        }
      }
      meta = expressionMeta(display ?? plan.stmt.columns()[c]!.name, sample);
    } else if (display !== null && display !== meta.name) {
      meta = { ...meta, name: display };
    }
    out[c] = meta;
  }
  return out;
}

function runSelect(s: Session, plan: Plan, sql: string, args: Bind[]): RowsResult {
  const raw = withBusyRetry(s, () => s.conn.guard.all(plan.stmt, args)) as unknown as unknown[][];
  const rows = raw.map((r) => normalizeRow(r, plan));
  s.foundRowsValue = rows.length;
  if (plan.foundRows) {
    const fr = plan.foundRows;
    const counted = s.conn.guard.all(
      fr.stmt,
      args.slice(0, fr.slots.length),
    ) as unknown as unknown[][];
    s.foundRowsValue = Number(counted[0]?.[0] ?? 0);
  }
  s.rowCountValue = -1;
  return { kind: "rows", columns: plan.staticColumns ?? resultColumns(plan, rows, sql, s), rows };
}

function runWrite(s: Session, plan: Plan, args: Bind[]): OkResult {
  s.beginWriteCounters(plan);
  const r = withBusyRetry(s, () => plan.stmt.run(...args));
  const changes = Number(r.changes);
  const w = s.writeCounters;
  let affected = changes;
  let info = "";
  let insertId: number | bigint = 0;
  const warnings = s.warningCount();
  if (plan.kind === "insert") {
    if (plan.upsert) affected = changes + w.upserts;
    const generated = plan.autoOmitted ? changes : w.generated;
    if (generated > 0 && changes > 0) {
      const last = BigInt(r.lastInsertRowid);
      const first = last - BigInt(Math.min(generated, changes) - 1);
      insertId = first <= 9007199254740991n ? Number(first) : first;
      s.lastInsertIdValue = insertId;
    } else if (plan.target?.columns.some((c) => c.autoIncrement) && changes > 0) {
      insertId = Number(r.lastInsertRowid);
    }
    if (plan.rowCount > 1 || plan.rowCount === 0) {
      const records = plan.rowCount === 0 ? changes : plan.rowCount;
      const dups = plan.upsert ? w.upserts : plan.ignore ? records - changes : 0;
      info = `Records: ${records}  Duplicates: ${dups}  Warnings: ${warnings}`;
    }
  } else if (plan.kind === "update") {
    affected = w.changed.size;
    info = `Rows matched: ${changes}  Changed: ${w.changed.size}  Warnings: ${warnings}`;
  }
  s.rowCountValue = affected;
  return { kind: "ok", affectedRows: affected, insertId, warnings, info };
}

/** Run a plan with the statement's literals and (for prepared statements) parameters. */
export function runPlan(
  s: Session,
  plan: Plan,
  sql: string,
  literals: readonly unknown[],
  params: readonly SqlValue[],
): StatementResult {
  admitPlan(s, plan);
  const args = bindSlots(s, plan.slots, literals, params);
  s.beforeStatement(plan.writes);
  try {
    if (plan.kind === "select") {
      const result = runSelect(s, plan, sql, args);
      if (plan.intoVars.length > 0) return assignInto(s, plan.intoVars, result);
      return result;
    }
    return runWrite(s, plan, args);
  } catch (e) {
    throw planStoreError(s, plan, e);
  } finally {
    s.afterStatement();
  }
}

/** Before a plan runs: its privileges (checked on every execution, as a cached plan may serve
 * another account of this connection) and its metadata locks. */
export function admitPlan(s: Session, plan: Plan): void {
  if (plan.access.length > 0) {
    s.checkAccess(plan.access);
    lockPlan(s, plan);
  }
}

/** A store error of a plan's statement as MySQL's (a duplicate key names the plan's key). */
export function planStoreError(s: Session, plan: Plan, e: unknown): MysqlError {
  return mapStoreError(e, {
    duplicate: (cols) => s.duplicateError(plan.target, cols),
    db: s.currentDb,
  });
}
