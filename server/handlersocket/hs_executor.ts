/**
 * Runs HandlerSocket requests of one connection against an engine session: every find, change
 * and insert is a parameterised SQL statement (prepared once per shape), so HandlerSocket reads
 * and writes with SQL's types, constraints and isolation. One executor per connection; requests
 * run strictly in order, so pipelined requests are answered in order.
 */

import { type MemoryHandle, memoryTracker } from "../memory/memory_tracker.ts";
import { decodeTokens, encodeError, encodeResponse } from "../../protocol/handlersocket.ts";
import type { HsToken } from "../../protocol/handlersocket.ts";
import { MysqlError } from "../errors/mysql_error.ts";
import type { PreparedStatement, SqlSession, SqlValue } from "../sql/types.ts";
import { type HsIndex, HsOpenError, ident, openIndex, tableName } from "./hs_index.ts";
import {
  type HsFind,
  type HsInsert,
  parseIndexRequest,
  tokenNumber,
  tokenText,
} from "./hs_request.ts";

/** How the port of a connection is set up. */
export interface HsPortMode {
  /** False on handlersocket_port (read-only). */
  writable: boolean;
  /** handlersocket_plain_secret(_wr); "" when the port needs no `A` request. */
  secret: string;
}

/** Statistics the worker reports (SHOW STATUS Hs_*). */
export interface HsCounters {
  requests: number;
  errors: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** A token as a statement parameter: UTF-8 text when it is, bytes otherwise. */
export function tokenValue(t: HsToken): SqlValue {
  if (t === null) return null;
  if (t.length < 32 && t.every((b) => b < 0x80)) return String.fromCharCode(...t);
  try {
    return utf8.decode(t);
  } catch {
    return t.slice();
  }
}

/** A result value as a response token. */
export function valueToken(v: SqlValue | undefined): HsToken {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return v;
  return encoder.encode(typeof v === "string" ? v : String(v));
}

/** One HandlerSocket connection's open indexes, auth state and statements. */
/** What an open index is counted as in the memory tracker: its compiled request shapes. */
const HS_INDEX_BYTES = 4096;

export class HsExecutor {
  readonly #session: SqlSession;
  readonly #mode: HsPortMode;
  readonly #indexes = new Map<number, HsIndex>();
  /** Each open index in the memory tracker (mod_name "hs_index"). */
  readonly #indexMemory = new Map<number, MemoryHandle>();
  readonly #statements = new Map<string, PreparedStatement>();
  /** Hs_* counts; the worker passes one object that all its connections add to. */
  readonly counters: HsCounters;
  #authed: boolean;

  constructor(
    session: SqlSession,
    mode: HsPortMode,
    counters: HsCounters = { requests: 0, errors: 0 },
  ) {
    this.counters = counters;
    this.#session = session;
    this.#mode = mode;
    this.#authed = mode.secret === "";
  }

  /** Open indexes (the memory tracker and PROCESSLIST count them). */
  get openIndexes(): number {
    return this.#indexes.size;
  }

  /** Answer one request line (without its LF). Never throws for bad input. */
  async handle(line: Uint8Array): Promise<Uint8Array> {
    this.counters.requests++;
    const r = await this.#dispatch(decodeTokens(line));
    if (r[0] !== 0x30) this.counters.errors++;
    return r;
  }

  async #dispatch(tokens: HsToken[]): Promise<Uint8Array> {
    const cmd = tokenText(tokens[0]);
    if (cmd === "A") return this.#auth(tokens);
    if (cmd === "" || !/^[0-9PQ]/.test(cmd)) return encodeError(2, "cmd");
    if (!this.#authed) return encodeError(3, "unauth");
    if (cmd === "P") return await this.#open(tokens);
    if (!/^[0-9]/.test(cmd)) return encodeError(2, "cmd");
    const index = this.#indexes.get(tokenNumber(tokens[0])) ?? null;
    const parsed = parseIndexRequest(
      tokens,
      index ? { keyParts: index.keyParts.length, fcolumns: index.fcolumns.length } : null,
      this.#mode.writable,
    );
    if (parsed.kind === "error") return encodeError(parsed.code, parsed.word);
    try {
      if (parsed.kind === "insert") return await this.#insert(index!, parsed);
      return await this.#find(index!, parsed);
    } catch (e) {
      if (!(e instanceof MysqlError)) throw e;
      // The original answers with the storage engine's error number: 121 is a duplicate key.
      return encodeError(1, String(e.code === 1062 ? 121 : e.code));
    }
  }

  #auth(tokens: HsToken[]): Uint8Array {
    if (tokenText(tokens[1]) !== "1") return encodeError(3, "authtype");
    if (this.#mode.secret !== "" && tokenText(tokens[2]) !== this.#mode.secret) {
      return encodeError(3, "unauth");
    }
    this.#authed = true;
    return encodeResponse(0, 1, []);
  }

  async #open(tokens: HsToken[]): Promise<Uint8Array> {
    if (tokens.length < 6) return encodeError(1, "open_table");
    const id = tokenNumber(tokens[1]);
    const [db, table, name, columns, filters] = [2, 3, 4, 5, 6].map((i) => tokenText(tokens[i]));
    try {
      const index = await openIndex(this.#session, db!, table!, name!, columns!, filters!);
      this.#indexes.set(id, index);
      // Reopening an id replaces the index: the old one is freed.
      const old = this.#indexMemory.get(id);
      if (old) memoryTracker.release(old);
      const ctx = `handlersocket ${this.#mode.writable ? "wr" : "rd"}`;
      this.#indexMemory.set(id, memoryTracker.track("hs_index", ctx, HS_INDEX_BYTES));
      return encodeResponse(0, 1, []);
    } catch (e) {
      if (e instanceof HsOpenError) return encodeError(e.code, e.word);
      throw e;
    }
  }

  async #run(sql: string, params: SqlValue[]) {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      stmt = this.#session.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return await stmt.execute(params);
  }

  async #insert(index: HsIndex, req: HsInsert): Promise<Uint8Array> {
    const values = req.values.slice(0, index.columns.length);
    const columns = index.columns.slice(0, values.length);
    const sql = `INSERT INTO ${tableName(index)} (${columns.map(ident).join(", ")}) VALUES (${
      columns.map(() => "?").join(", ")
    })`;
    const r = await this.#run(sql, values.map(tokenValue));
    const at = index.autoColumn === null ? -1 : columns.indexOf(index.autoColumn);
    const given = at >= 0 && values[at] !== null && tokenText(values[at]) !== "0";
    const id = r.kind === "ok" && !given ? r.insertId : 0;
    return encodeResponse(0, 1, [encoder.encode(String(id))]);
  }

  async #find(index: HsIndex, req: HsFind): Promise<Uint8Array> {
    const extra = req.modify ? index.rowKey.filter((c) => !index.columns.includes(c)) : [];
    const rows = await this.#select(index, req, [...index.columns, ...extra]);
    if (req.modify === null) return rowsResponse(index.columns.length, rows);
    await this.#session.execute("BEGIN");
    try {
      const changed = await this.#modify(index, req, rows, extra);
      await this.#session.execute("COMMIT");
      if (req.modify.returnRows) return rowsResponse(index.columns.length, rows);
      return encodeResponse(0, 1, [encoder.encode(String(changed))]);
    } catch (e) {
      await this.#session.execute("ROLLBACK");
      throw e;
    }
  }

  /** The rows a find selects, as values of `columns`. */
  async #select(index: HsIndex, req: HsFind, columns: string[]): Promise<SqlValue[][]> {
    const want = req.offset + req.limit;
    if (req.limit <= 0) return [];
    const lookups = req.inColumn === null ? [req.keys] : req.inValues.map((v) => {
      const keys = [...req.keys];
      keys[req.inColumn!] = v;
      return keys;
    });
    const out: SqlValue[][] = [];
    for (const keys of lookups) {
      const found = await this.#scan(index, req, keys, columns, want - out.length);
      out.push(...found.rows);
      if (found.stopped || out.length >= want) break;
    }
    return out.slice(req.offset, want);
  }

  /** Up to `max` rows of one key lookup in index order, with the filters applied. */
  async #scan(index: HsIndex, req: HsFind, keys: HsToken[], columns: string[], max: number) {
    const keyParams = keyParameters(req.op, keys);
    const testParams = req.filters.map((f) => tokenValue(f.value));
    const withW = req.filters.some((f) => f.type === "W");
    // `=` on every part of a unique key finds at most one row: no ORDER BY / LIMIT needed.
    const single = !withW && req.op === "=" && index.uniqueKey && req.filters.length === 0 &&
      keys.length === index.keyParts.length && keys.every((k) => k !== null);
    const shape = `${req.op}${keys.length}${single ? "s" : ""}|${columns.length}|${
      req.filters.map((f) => f.type + f.op + f.column).join(",")
    }`;
    let sql = index.shapes.get(shape);
    if (sql === undefined) {
      sql = scanSql(index, req, keys.length, columns, single, withW);
      index.shapes.set(shape, sql);
    }
    if (single) {
      const r = await this.#run(sql, keyParams);
      return { rows: r.kind === "rows" ? r.rows : [], stopped: false };
    }
    if (!withW) {
      const r = await this.#run(sql, [...keyParams, ...testParams, max]);
      return { rows: r.kind === "rows" ? r.rows : [], stopped: false };
    }
    // A `W` filter ends the loop at the first row that fails it: read the filter results as
    // columns, in pages, and apply the filters in request order.
    const rows: SqlValue[][] = [];
    for (let offset = 0;; offset += PAGE) {
      const r = await this.#run(sql, [...testParams, ...keyParams, PAGE, offset]);
      const page = r.kind === "rows" ? r.rows : [];
      for (const row of page) {
        const verdict = filterVerdict(req.filters.map((f) => f.type), row.slice(columns.length));
        if (verdict === "stop") return { rows, stopped: true };
        if (verdict === "take") rows.push(row.slice(0, columns.length));
        if (rows.length >= max) return { rows, stopped: false };
      }
      if (page.length < PAGE) return { rows, stopped: false };
    }
  }

  async #modify(index: HsIndex, req: HsFind, rows: SqlValue[][], extra: string[]) {
    const mod = req.modify!;
    const all = [...index.columns, ...extra];
    const keyAt = index.rowKey.map((c) => all.indexOf(c));
    const match = index.rowKey.map((c) => `${ident(c)} <=> ?`).join(" AND ");
    const limit = index.rowKeyIsAll ? " LIMIT 1" : "";
    let changed = 0;
    for (const row of rows) {
      const keyValues = keyAt.map((i) => row[i] ?? null);
      if (mod.op === "D") {
        const r = await this.#run(
          `DELETE FROM ${tableName(index)} WHERE ${match}${limit}`,
          keyValues,
        );
        if (r.kind === "ok") changed += r.affectedRows;
        continue;
      }
      const sets = changes(index, mod.op, mod.values, row);
      if (sets.length === 0) continue;
      const sql = `UPDATE ${tableName(index)} SET ${
        sets.map((s) => s.sql).join(", ")
      } WHERE ${match}${limit}`;
      const r = await this.#run(sql, [...sets.map((s) => s.value), ...keyValues]);
      if (r.kind === "ok") changed += r.affectedRows;
    }
    return changed;
  }

  /** Free the prepared statements. Safe to call twice. */
  close(): void {
    for (const stmt of this.#statements.values()) stmt.close();
    this.#statements.clear();
    this.#indexes.clear();
    for (const handle of this.#indexMemory.values()) memoryTracker.release(handle);
    this.#indexMemory.clear();
  }
}

const PAGE = 256;

function sqlOp(op: string): string {
  return op === "=" ? "<=>" : op;
}

/** The SQL of one request shape (its parameters: see `#scan`). */
function scanSql(
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
function keyCondition(index: HsIndex, op: string, keyCount: number): string {
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
function keyParameters(op: string, keys: HsToken[]): SqlValue[] {
  const values = keys.map(tokenValue);
  if (op === "=") return values;
  const params: SqlValue[] = [];
  for (let i = 0; i < values.length; i++) params.push(...values.slice(0, i), values[i]!);
  return params;
}

/** Apply filter results in request order: a failed F skips the row, a failed W stops. */
function filterVerdict(types: ("F" | "W")[], results: SqlValue[]): "take" | "skip" | "stop" {
  for (let i = 0; i < types.length; i++) {
    const ok = results[i] !== null && Number(results[i]) !== 0;
    if (!ok) return types[i] === "W" ? "stop" : "skip";
  }
  return "take";
}

/** SET terms of U / + / -: `-` leaves a column whose sign would flip (the original's rule). */
function changes(index: HsIndex, op: "U" | "+" | "-", values: HsToken[], row: SqlValue[]) {
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

function rowsResponse(columns: number, rows: SqlValue[][]): Uint8Array {
  const values: HsToken[] = [];
  for (const row of rows) for (let i = 0; i < columns; i++) values.push(valueToken(row[i]));
  return encodeResponse(0, columns, values);
}
