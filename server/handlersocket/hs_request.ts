/**
 * Parsing of HandlerSocket requests (docs-en/protocol.en.txt) into what the executor runs. The
 * error words are the original plugin's (`2 1 op`, `2 1 kpnum`, ...), checked against MariaDB
 * 10.11's handlersocket.so.
 */

import type { HsToken } from "../../protocol/handlersocket.ts";

/** Key comparison of a find. */
export type HsOp = "=" | ">" | ">=" | "<" | "<=";

/** Comparison of a filter (the find operations and `!=`). */
export type HsFilterOp = HsOp | "!=";

/** One `F` (skip the row) or `W` (stop the loop) filter on an fcolumn. */
export interface HsFilter {
  type: "F" | "W";
  op: HsFilterOp;
  column: number;
  value: HsToken;
}

/** The modification of a find_modify. */
export interface HsModify {
  op: "U" | "+" | "-" | "D";
  /** `?` suffix: answer with the rows before the change. */
  returnRows: boolean;
  values: HsToken[];
}

/** A find or find_modify request. */
export interface HsFind {
  kind: "find";
  indexId: number;
  op: HsOp;
  keys: HsToken[];
  limit: number;
  offset: number;
  inColumn: number | null;
  inValues: HsToken[];
  filters: HsFilter[];
  modify: HsModify | null;
}

/** An insert request. */
export interface HsInsert {
  kind: "insert";
  indexId: number;
  values: HsToken[];
}

/** A request, or the error line to answer with. */
export type HsParsed = HsFind | HsInsert | { kind: "error"; code: number; word: string };

const FIND_OPS = new Set<string>(["=", ">", ">=", "<", "<="]);
const FILTER_OPS = new Set<string>(["=", ">", ">=", "<", "<=", "!="]);
const MOD_OPS = new Set<string>(["U", "+", "-", "D", "U?", "+?", "-?", "D?"]);

const text = new TextDecoder();

/** A token as text ("" for NULL). */
export function tokenText(t: HsToken | undefined): string {
  if (!t) return "";
  // Most tokens are short ASCII (commands, operators, numbers): skip the decoder for them.
  if (t.length <= 16) {
    let ascii = true;
    for (let i = 0; i < t.length; i++) if (t[i]! >= 0x80) ascii = false;
    if (ascii) return String.fromCharCode(...t);
  }
  return text.decode(t);
}

/** A decimal number as the original reads it (atoi: leading digits, else 0). */
export function tokenNumber(t: HsToken | undefined): number {
  if (!t) return 0;
  let i = 0;
  while (i < t.length && (t[i] === 0x20 || t[i] === 0x09)) i++;
  let sign = 1;
  if (t[i] === 0x2d || t[i] === 0x2b) sign = t[i++] === 0x2d ? -1 : 1;
  let n = 0;
  while (i < t.length && t[i]! >= 0x30 && t[i]! <= 0x39) n = n * 10 + (t[i++]! - 0x30);
  return sign * n;
}

function error(word: string): HsParsed {
  return { kind: "error", code: 2, word };
}

/**
 * Parse a find / find_modify / insert line whose first token is a number. `keyParts` is the
 * open index's number of key columns, `fcolumns` its number of filter columns, or null when
 * the index id is not open; `writable` is false on the read-only port.
 */
export function parseIndexRequest(
  tokens: HsToken[],
  index: { keyParts: number; fcolumns: number } | null,
  writable: boolean,
): HsParsed {
  const indexId = tokenNumber(tokens[0]);
  if (index === null) return error("stmtnum");
  const op = tokenText(tokens[1]);
  if (op === "+") {
    if (!writable) return error("readonly");
    const vlen = tokenNumber(tokens[2]);
    return { kind: "insert", indexId, values: tokens.slice(3, 3 + vlen) };
  }
  if (!FIND_OPS.has(op)) return error("op");
  if (tokens.length < 3) return error("klen");
  const vlen = tokenNumber(tokens[2]);
  if (vlen <= 0) return error("klen");
  if (vlen > index.keyParts) return error("kpnum");
  const keys = tokens.slice(3, 3 + vlen);
  while (keys.length < vlen) keys.push(null);
  let pos = 3 + vlen;
  const find: HsFind = {
    kind: "find",
    indexId,
    op: op as HsOp,
    keys,
    limit: 1,
    offset: 0,
    inColumn: null,
    inValues: [],
    filters: [],
    modify: null,
  };
  if (pos < tokens.length && isNumeric(tokens[pos])) {
    find.limit = tokenNumber(tokens[pos++]);
    if (pos < tokens.length && isNumeric(tokens[pos])) find.offset = tokenNumber(tokens[pos++]);
  }
  if (tokenText(tokens[pos]) === "@") {
    find.inColumn = tokenNumber(tokens[pos + 1]);
    const n = tokenNumber(tokens[pos + 2]);
    if (find.inColumn < 0 || find.inColumn >= vlen) return error("incol");
    find.inValues = tokens.slice(pos + 3, pos + 3 + n);
    pos += 3 + n;
  }
  while (pos < tokens.length) {
    const type = tokenText(tokens[pos]);
    if (type !== "F" && type !== "W") break;
    const fop = tokenText(tokens[pos + 1]);
    if (!FILTER_OPS.has(fop)) return error("filterop");
    const column = tokenNumber(tokens[pos + 2]);
    if (column < 0 || column >= index.fcolumns) return error("filterfld");
    find.filters.push({ type, op: fop as HsFilterOp, column, value: tokens[pos + 3] ?? null });
    pos += 4;
  }
  if (pos < tokens.length) {
    if (!writable) return error("readonly");
    const mop = tokenText(tokens[pos]);
    if (!MOD_OPS.has(mop)) return error("modop");
    find.modify = {
      op: mop[0] as HsModify["op"],
      returnRows: mop.endsWith("?"),
      values: tokens.slice(pos + 1),
    };
  }
  return find;
}

function isNumeric(t: HsToken | undefined): boolean {
  return t !== null && t !== undefined && t.length > 0 && t[0]! >= 0x30 && t[0]! <= 0x39;
}

const TAB = 0x09;
const EQUALS = 0x3d;
const ESCAPE = 0x01;
/** Longest number the fast scan reads (more digits go the general way, which reads them as
 * atoi would). */
const MAX_DIGITS = 9;

/**
 * The common request read straight from its bytes: `<indexid> HT = HT <n> HT <k1> ... HT <kn>
 * [HT <limit> [HT <offset>]]` with plain decimal numbers and no NULL or escaped key. Anything
 * else (another operator, IN, filters, a modification, odd numbers) is left to
 * `parseIndexRequest`, which gives the same request for every line this accepts. One scanner
 * is reused for every line: `scan` allocates nothing.
 */
export class PointFindScan {
  indexId = 0;
  /** Number of key tokens. */
  keys = 0;
  limit = 1;
  offset = 0;
  /** Offsets in the line of each key token: [starts[i], ends[i]). */
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  #at = 0;

  /** True when `line` (without its LF) is a find of that form; the fields then describe it. */
  scan(line: Uint8Array): boolean {
    this.#at = 0;
    const id = this.#number(line);
    if (id < 0 || line[this.#at] !== TAB || line[this.#at + 1] !== EQUALS) return false;
    if (line[this.#at + 2] !== TAB) return false;
    this.#at += 3;
    const n = this.#number(line);
    if (n <= 0) return false;
    for (let i = 0; i < n; i++) {
      if (this.#at >= line.length || line[this.#at] !== TAB) return false;
      const start = this.#at + 1;
      let end = line.indexOf(TAB, start);
      if (end < 0) end = line.length;
      // A lone 0x00 is NULL and an escape needs decoding: the general path does both.
      if (end === start + 1 && line[start] === 0) return false;
      for (let j = start; j < end; j++) if (line[j] === ESCAPE) return false;
      this.starts[i] = start;
      this.ends[i] = end;
      this.#at = end;
    }
    this.indexId = id;
    this.keys = n;
    this.limit = 1;
    this.offset = 0;
    if (this.#at === line.length) return true;
    this.#at++;
    this.limit = this.#number(line);
    if (this.limit < 0) return false;
    if (this.#at === line.length) return true;
    if (line[this.#at++] !== TAB) return false;
    this.offset = this.#number(line);
    return this.offset >= 0 && this.#at === line.length;
  }

  /** Plain decimal digits at the scan position (1 to MAX_DIGITS), or -1. */
  #number(line: Uint8Array): number {
    let n = 0;
    const start = this.#at;
    let at = start;
    while (at < line.length && line[at]! >= 0x30 && line[at]! <= 0x39) {
      n = n * 10 + (line[at]! - 0x30);
      at++;
    }
    if (at === start || at - start > MAX_DIGITS) return -1;
    this.#at = at;
    return n;
  }
}
