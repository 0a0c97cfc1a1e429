/**
 * The SQL a HandlerSocket request runs as: the SELECT of a find (equality on a key prefix or a
 * lexicographic range in index order, with the filters), its parameters, and the SET terms of a
 * find_modify. The executor (hs_executor.ts) prepares each shape once.
 */

import type { HsToken } from "../../protocol/handlersocket.ts";
import type { SqlValue } from "../sql/types.ts";
import { type HsIndex, ident, tableName } from "./hs_index.ts";
import type { HsFind, HsOp } from "./hs_request.ts";

/** Rows a find with a `W` filter reads per statement. */
export const PAGE = 256;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A token as a statement parameter: UTF-8 text when it is, bytes otherwise. */
export function tokenValue(t: HsToken): SqlValue {
  if (t === null) return null;
  if (t.length < 32) {
    let text = "";
    for (let i = 0; i < t.length; i++) {
      const b = t[i]!;
      if (b >= 0x80) return utf8Value(t);
      text += String.fromCharCode(b);
    }
    return text;
  }
  return utf8Value(t);
}

/** Digits of the largest integer `intToken` reads (below 2^53, so every such value is exact). */
const MAX_INT_DIGITS = 15;

/**
 * The token `line[start, end)` as a number when it is an integer in canonical decimal form (an
 * optional `-`, no leading zero, at most 15 digits), else null. Bound to an integer column such
 * a number compares exactly as its text would after SQLite's numeric affinity, and costs less.
 */
export function intToken(line: Uint8Array, start: number, end: number): number | null {
  let at = start;
  const negative = line[at] === 0x2d;
  if (negative) at++;
  const digits = end - at;
  if (digits < 1 || digits > MAX_INT_DIGITS) return null;
  if (line[at] === 0x30 && (digits > 1 || negative)) return null;
  let n = 0;
  for (; at < end; at++) {
    const d = line[at]! - 0x30;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  return negative ? -n : n;
}

function utf8Value(t: Uint8Array): SqlValue {
  try {
    return utf8.decode(t);
  } catch {
    return t.slice();
  }
}

function sqlOp(op: string): string {
  return op === "=" ? "<=>" : op;
}

/** `=` on every part of a unique NOT NULL key finds at most one row: no ORDER BY / LIMIT. */
export function pointSql(index: HsIndex): string {
  return `SELECT ${index.columns.map(ident).join(", ")} FROM ${tableName(index)} WHERE ${
    keyCondition(index, "=", index.keyParts.length)
  }`;
}

/** The SQL of one find shape (its parameters: see `HsExecutor#scan`). */
export function scanSql(
  index: HsIndex,
  req: HsFind,
  keyCount: number,
  columns: string[],
  single: boolean,
  withW: boolean,
): string {
  const where = keyCondition(index, req.op, keyCount);
  const list = columns.map(ident).join(", ");
  const from = `FROM ${tableName(index)} WHERE ${where}`;
  if (single) return `SELECT ${list} ${from}`;
  const desc = req.op === "<" || req.op === "<=";
  const order = [...index.keyParts, ...index.rowKey.filter((c) => !index.keyParts.includes(c))]
    .map((c) => `${ident(c)}${desc ? " DESC" : ""}`).join(", ");
  const tests = req.filters.map((f) => `${ident(index.fcolumns[f.column]!)} ${sqlOp(f.op)} ?`);
  if (!withW) {
    return `SELECT ${list} ${[from, ...tests].join(" AND ")} ORDER BY ${order} LIMIT ?`;
  }
  const flags = tests.map((t) => `(${t})`).join(", ");
  return `SELECT ${list}, ${flags} ${from} ORDER BY ${order} LIMIT ? OFFSET ?`;
}

/** The index-order condition of a find: equality on a prefix, or a lexicographic range:
 * (k1, k2) > (a, b) is k1 > a OR (k1 = a AND k2 > b); the last part takes `op` itself. */
function keyCondition(index: HsIndex, op: HsOp, keyCount: number): string {
  const parts = index.keyParts.slice(0, keyCount).map(ident);
  if (op === "=") return parts.map((p) => `${p} <=> ?`).join(" AND ");
  const strict = op[0]!;
  const terms: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const eq = parts.slice(0, i).map((p) => `${p} = ?`);
    const last = i === parts.length - 1 ? op : strict;
    terms.push(`(${[...eq, `${parts[i]} ${last} ?`].join(" AND ")})`);
  }
  return `(${terms.join(" OR ")})`;
}

/** The parameters of `keyCondition`, in its placeholder order. */
export function keyParameters(op: HsOp, keys: HsToken[]): SqlValue[] {
  const values = keys.map(tokenValue);
  if (op === "=") return values;
  const params: SqlValue[] = [];
  for (let i = 0; i < values.length; i++) params.push(...values.slice(0, i), values[i]!);
  return params;
}

/** Apply filter results in request order: a failed F skips the row, a failed W stops. */
export function filterVerdict(
  types: ("F" | "W")[],
  results: SqlValue[],
): "take" | "skip" | "stop" {
  for (let i = 0; i < types.length; i++) {
    const ok = results[i] !== null && Number(results[i]) !== 0;
    if (!ok) return types[i] === "W" ? "stop" : "skip";
  }
  return "take";
}

/** SET terms of U / + / -: `-` leaves a column whose sign would flip (the original's rule). */
export function changes(
  index: HsIndex,
  op: "U" | "+" | "-",
  values: HsToken[],
  row: SqlValue[],
): { sql: string; value: SqlValue }[] {
  const out: { sql: string; value: SqlValue }[] = [];
  const n = Math.min(values.length, index.columns.length);
  for (let i = 0; i < n; i++) {
    const col = ident(index.columns[i]!);
    const value = tokenValue(values[i]!);
    if (op === "U") {
      out.push({ sql: `${col} = ?`, value });
      continue;
    }
    const now = Number(row[i]);
    const delta = Number(value);
    if (op === "-" && Math.sign(now) !== 0 && Math.sign(now - delta) === -Math.sign(now)) continue;
    out.push({ sql: `${col} = ${col} ${op} ?`, value });
  }
  return out;
}
