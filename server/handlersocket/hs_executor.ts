/**
 * Runs HandlerSocket requests of one connection against an engine session: every find, change
 * and insert is a parameterised SQL statement (prepared once per shape), so HandlerSocket reads
 * and writes with SQL's types, constraints and isolation. One executor per connection; requests
 * run strictly in order, so pipelined requests are answered in order.
 *
 * The common request, a find with `=` on a whole unique key (`PointFindScan`), is answered
 * without the general path's token arrays, request objects and promises: read from the line's
 * bytes, its SELECT run synchronously as a point read (server/sql/point_read.ts), written into
 * the batch's reply buffer. The finds of one batch share a read group (one snapshot).
 */

import { type MemoryHandle, memoryTracker } from "../memory/memory_tracker.ts";
import {
  decodeTokens,
  encodeError,
  encodeResponse,
  HS_CR,
  HS_LF,
  HsResponseWriter,
} from "../../protocol/handlersocket.ts";
import type { HsToken } from "../../protocol/handlersocket.ts";
import { MysqlError } from "../errors/mysql_error.ts";
import type { SqlSession, SqlValue } from "../sql/types.ts";
import { type HsIndex, HsOpenError, ident, openIndex, tableName } from "./hs_index.ts";
import {
  type HsFind,
  type HsInsert,
  parseIndexRequest,
  PointFindScan,
  tokenNumber,
  tokenText,
} from "./hs_request.ts";
import {
  changes,
  filterVerdict,
  intToken,
  keyParameters,
  PAGE,
  pointSql,
  scanSql,
  tokenValue,
} from "./hs_sql.ts";
import { numberResponse, rowsResponse, statementError, writeRow } from "./hs_response.ts";
import { HsStatements } from "./hs_statements.ts";

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

/** What an open index is counted as in the memory tracker: its compiled request shapes. */
const HS_INDEX_BYTES = 4096;

/** One HandlerSocket connection's open indexes, auth state and statements. */
export class HsExecutor {
  readonly #session: SqlSession;
  readonly #mode: HsPortMode;
  readonly #indexes = new Map<number, HsIndex>();
  /** Each open index in the memory tracker (mod_name "hs_index"). */
  readonly #indexMemory = new Map<number, MemoryHandle>();
  readonly #statements: HsStatements;
  readonly #scan = new PointFindScan();
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
    this.#statements = new HsStatements(session);
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

  /**
   * Answer the LF-terminated request lines of `body` from offset `from` on into `out`, in
   * order. Returns at once when every request finished synchronously (point finds do), else a
   * promise of the rest. A request that fails inside the server answers `1 1 internal`. The
   * point finds share a read group (one snapshot, see server/sql/point_read.ts), which ends
   * before any other request and at the end unless `more` says that requests which arrived
   * together with these follow (the caller then ends it).
   */
  answer(
    body: Uint8Array,
    from: number,
    out: HsResponseWriter,
    more = false,
  ): void | Promise<void> {
    let at = from;
    while (at < body.length) {
      let lf = body.indexOf(HS_LF, at);
      if (lf < 0) lf = body.length;
      const line = body.subarray(at, lf > at && body[lf - 1] === HS_CR ? lf - 1 : lf);
      at = lf + 1;
      const done = this.#pointFind(line, out, more || at < body.length);
      if (done !== true) {
        this.#session.endReadGroup();
        return this.#answerRest(done === false ? line : done, body, at, out, more);
      }
    }
    if (!more) this.#session.endReadGroup();
  }

  /** `answer` from a request that did not finish synchronously (a line or its promise) on. */
  async #answerRest(
    first: Uint8Array | Promise<void>,
    body: Uint8Array,
    at: number,
    out: HsResponseWriter,
    more: boolean,
  ): Promise<void> {
    if (first instanceof Promise) await first;
    else out.raw(await this.#handleSafely(first));
    const rest = this.answer(body, at, out, more);
    if (rest) await rest;
  }

  async #handleSafely(line: Uint8Array): Promise<Uint8Array> {
    try {
      return await this.handle(line);
    } catch (error) {
      return this.#internal(error);
    }
  }

  #internal(error: unknown): Uint8Array {
    console.error(`HandlerSocket worker: ${error}`);
    this.counters.errors++;
    return encodeError(1, "internal");
  }

  /**
   * A find with `=` on every part of the index's unique NOT NULL key, limit at least 1 and no
   * offset, answered into `out`: true when done, a promise when its statement waits, false when
   * `line` is another request (then nothing was written or counted). `more`: other requests of
   * the batch follow, so the read may open a read group for them (point_read.ts).
   */
  #pointFind(line: Uint8Array, out: HsResponseWriter, more: boolean): boolean | Promise<void> {
    const scan = this.#scan;
    if (!this.#authed || !scan.scan(line)) return false;
    const index = this.#indexes.get(scan.indexId);
    if (
      index === undefined || !index.uniqueKey || scan.keys !== index.keyParts.length ||
      scan.limit < 1 || scan.offset !== 0
    ) return false;
    const point = index.point ??= { sql: pointSql(index), params: [] };
    const params = point.params;
    for (let i = 0; i < scan.keys; i++) {
      const start = scan.starts[i]!;
      const end = scan.ends[i]!;
      const n = index.intKeys[i] ? intToken(line, start, end) : null;
      params[i] = n ?? tokenValue(line.subarray(start, end));
    }
    params.length = scan.keys;
    this.counters.requests++;
    const columns = index.columns.length;
    try {
      const reader = this.#statements.pointReader(point.sql);
      if (reader !== null) {
        writeRow(out, columns, reader.row(params, more));
        return true;
      }
      const r = this.#statements.prepared(point.sql).run(params);
      if (!(r instanceof Promise)) {
        writeRow(out, columns, r.kind === "rows" ? r.rows[0] ?? null : null);
        return true;
      }
      return r.then((done) =>
        writeRow(out, columns, done.kind === "rows" ? done.rows[0] ?? null : null)
      )
        .catch((e) => this.#pointFailed(e, out));
    } catch (e) {
      this.#pointFailed(e, out);
      return true;
    }
  }

  #pointFailed(e: unknown, out: HsResponseWriter): void {
    if (e instanceof MysqlError) {
      this.counters.errors++;
      out.raw(statementError(e));
    } else {
      out.raw(this.#internal(e));
    }
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
      return statementError(e);
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
    return await this.#statements.prepared(sql).execute(params);
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
    return numberResponse(id);
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
      return numberResponse(changed);
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
      const found = await this.#scanRows(index, req, keys, columns, want - out.length);
      out.push(...found.rows);
      if (found.stopped || out.length >= want) break;
    }
    return out.slice(req.offset, want);
  }

  /** Up to `max` rows of one key lookup in index order, with the filters applied. */
  async #scanRows(index: HsIndex, req: HsFind, keys: HsToken[], columns: string[], max: number) {
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
    this.#session.endReadGroup();
    this.#statements.close();
    this.#indexes.clear();
    for (const handle of this.#indexMemory.values()) memoryTracker.release(handle);
    this.#indexMemory.clear();
  }
}
