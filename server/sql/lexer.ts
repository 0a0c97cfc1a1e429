/**
 * Tokeniser for MySQL's SQL dialect.
 *
 * Matches MySQL's lexer where clients notice: `'` and `"` both quote strings (ANSI_QUOTES off),
 * backticks quote identifiers, backslash escapes in strings, `--` needs a following space,
 * `#` comments, and `/*!NNNNN ... *\/` comments whose body runs when NNNNN is not above the
 * server's version (80036). MariaDB's `/*M!` comments are plain comments to MySQL and to us.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";

/** Kinds of token. */
export type TokenKind =
  | "word" // unquoted identifier or keyword
  | "quoted" // `backtick quoted` identifier
  | "string" // 'x' or "x", escapes decoded
  | "number" // 12, 1.5, 1e3, .5
  | "hex" // 0x1F or X'1F': value is the hex digits
  | "bit" // 0b101 or b'101': value is the binary digits
  | "op" // punctuation and operators
  | "param" // ?
  | "user_var" // @name: value is the name
  | "sys_var" // @@[global.|session.|local.]name: value is the lower-cased text after @@
  | "eof";

/** One token with its place in the source. */
export interface Token {
  kind: TokenKind;
  /** Decoded value: identifier name, string contents, number text, operator text. */
  value: string;
  /** For words: the value in upper case (keywords compare on this); otherwise "". */
  upper: string;
  /** Offset of the token's first character in the source. */
  start: number;
  /** Offset just past the token. */
  end: number;
  /** For strings: a charset introducer such as "_binary" or "N", else "". */
  introducer?: string;
}

/** Version that `/*!NNNNN` comments are compared with. */
const SERVER_VERSION_ID = 80036;

const MULTI_OPS = ["<=>", "->>", "<=", ">=", "<>", "!=", ":=", "||", "&&", "<<", ">>", "->"];
const SINGLE_OPS = "(),;.=<>+-*/%!~^&|{}:";
const MULTI_OP_STARTS = "<>-!:|&";
const CHARSET_INTRODUCERS = new Set([
  "_binary",
  "_utf8",
  "_utf8mb3",
  "_utf8mb4",
  "_latin1",
  "_ascii",
]);

function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 ||
    c === 36 || c >= 128;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const ESCAPES: Record<string, string> = {
  "0": "\0",
  "b": "\b",
  "n": "\n",
  "r": "\r",
  "t": "\t",
  "Z": "\x1a",
  "%": "\\%",
  "_": "\\_",
};

/** The syntax error MySQL sends: the rest of the statement from `pos`, and its line. */
export function parseError(sql: string, pos: number): MysqlError {
  const rest = sql.slice(pos, pos + 80);
  const line = sql.slice(0, pos).split("\n").length;
  return new MysqlError(
    ER.ER_PARSE_ERROR,
    "You have an error in your SQL syntax; check the manual that corresponds to your MySQL " +
      `server version for the right syntax to use near '${rest}' at line ${line}`,
  );
}

/** Tokenise one or more statements; the list always ends with an "eof" token. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  const lexer = new Lexer(sql, tokens);
  lexer.run(0, sql.length);
  tokens.push({ kind: "eof", value: "", upper: "", start: sql.length, end: sql.length });
  return tokens;
}

class Lexer {
  #sql: string;
  #out: Token[];

  constructor(sql: string, out: Token[]) {
    this.#sql = sql;
    this.#out = out;
  }

  run(from: number, to: number): void {
    let i = from;
    while (i < to) i = this.#step(i, to);
  }

  #push(kind: TokenKind, value: string, start: number, end: number): void {
    this.#out.push({ kind, value, upper: kind === "word" ? upperOf(value) : "", start, end });
  }

  /** Consume one token or one piece of white space / comment starting at `i`. */
  #step(i: number, to: number): number {
    const s = this.#sql;
    const c = s.charCodeAt(i);
    if (isSpace(c)) return i + 1;
    const ch = s[i]!;
    const next = s[i + 1] ?? "";
    if (ch === "#") return this.#lineEnd(i, to);
    if (ch === "-" && next === "-" && (i + 2 >= to || s.charCodeAt(i + 2) <= 32)) {
      return this.#lineEnd(i, to);
    }
    if (ch === "/" && next === "*") return this.#blockComment(i, to);
    if (ch === "'" || ch === '"') return this.#string(i, to, "");
    if (ch === "`") return this.#quotedIdent(i, to);
    if (isDigit(c) || (ch === "." && isDigit(s.charCodeAt(i + 1)))) return this.#number(i, to);
    if (ch === "@") return this.#variable(i, to);
    if (ch === "?") {
      this.#push("param", "?", i, i + 1);
      return i + 1;
    }
    if (isIdentChar(c)) return this.#word(i, to);
    // Only these characters start a two- or three-character operator.
    if (MULTI_OP_STARTS.includes(ch)) {
      for (const op of MULTI_OPS) {
        if (s.startsWith(op, i)) {
          this.#push("op", op, i, i + op.length);
          return i + op.length;
        }
      }
    }
    if (SINGLE_OPS.includes(ch)) {
      this.#push("op", ch, i, i + 1);
      return i + 1;
    }
    throw parseError(s, i);
  }

  #lineEnd(i: number, to: number): number {
    const nl = this.#sql.indexOf("\n", i);
    return nl < 0 || nl > to ? to : nl + 1;
  }

  #blockComment(i: number, to: number): number {
    const s = this.#sql;
    const close = s.indexOf("*/", i + 2);
    if (close < 0 || close + 2 > to) throw parseError(s, i);
    if (s[i + 2] !== "!") return close + 2;
    // Executable comment: /*!body*/ or /*!NNNNN body*/ (five or six digits).
    let j = i + 3;
    let digits = 0;
    while (digits < 6 && isDigit(s.charCodeAt(j + digits))) digits++;
    if (digits === 5 || digits === 6) {
      const version = Number(s.slice(j, j + digits));
      if (version > SERVER_VERSION_ID) return close + 2;
      j += digits;
    }
    this.run(j, close);
    return close + 2;
  }

  #string(i: number, to: number, introducer: string): number {
    const s = this.#sql;
    const quote = s[i]!;
    let value = "";
    let j = i + 1;
    for (;;) {
      const k = nextSpecial(s, j, quote);
      if (k < 0 || k >= to) throw parseError(s, i);
      value += s.slice(j, k);
      if (s[k] === "\\") {
        const e = s[k + 1];
        if (e === undefined || k + 1 >= to) throw parseError(s, i);
        value += ESCAPES[e] ?? e;
        j = k + 2;
      } else if (s[k + 1] === quote) {
        value += quote;
        j = k + 2;
      } else {
        j = k + 1;
        break;
      }
    }
    const prev = this.#out[this.#out.length - 1];
    // Adjacent literals concatenate: 'a' 'b' is 'ab'.
    if (prev && prev.kind === "string" && !introducer && this.#onlySpaceBetween(prev.end, i)) {
      prev.value += value;
      prev.end = j;
      return j;
    }
    this.#out.push({ kind: "string", value, upper: "", start: i, end: j, introducer });
    return j;
  }

  #onlySpaceBetween(from: number, to: number): boolean {
    for (let k = from; k < to; k++) if (!isSpace(this.#sql.charCodeAt(k))) return false;
    return true;
  }

  #quotedIdent(i: number, to: number): number {
    const s = this.#sql;
    let value = "";
    let j = i + 1;
    for (;;) {
      const k = s.indexOf("`", j);
      if (k < 0 || k >= to) throw parseError(s, i);
      value += s.slice(j, k);
      if (s[k + 1] === "`") {
        value += "`";
        j = k + 2;
      } else {
        j = k + 1;
        break;
      }
    }
    this.#push("quoted", value, i, j);
    return j;
  }

  #number(i: number, to: number): number {
    const s = this.#sql;
    if (s[i] === "0" && (s[i + 1] === "x" || s[i + 1] === "X") && isHex(s.charCodeAt(i + 2))) {
      let j = i + 2;
      while (j < to && isHex(s.charCodeAt(j))) j++;
      if (j >= to || !isIdentChar(s.charCodeAt(j))) {
        this.#push("hex", s.slice(i + 2, j), i, j);
        return j;
      }
    }
    if (s[i] === "0" && s[i + 1] === "b" && (s[i + 2] === "0" || s[i + 2] === "1")) {
      let j = i + 2;
      while (j < to && (s[j] === "0" || s[j] === "1")) j++;
      if (j >= to || !isIdentChar(s.charCodeAt(j))) {
        this.#push("bit", s.slice(i + 2, j), i, j);
        return j;
      }
    }
    let j = i;
    while (j < to && isDigit(s.charCodeAt(j))) j++;
    // Digits followed by letters form an identifier in MySQL (e.g. `1abc`), not 1e5.
    if (j < to && isIdentChar(s.charCodeAt(j)) && !isExponent(s, j, to) && s[i] !== ".") {
      return this.#word(i, to);
    }
    if (s[j] === "." && j < to) {
      j++;
      while (j < to && isDigit(s.charCodeAt(j))) j++;
    }
    if (isExponent(s, j, to)) {
      j++;
      if (s[j] === "+" || s[j] === "-") j++;
      while (j < to && isDigit(s.charCodeAt(j))) j++;
    }
    this.#push("number", s.slice(i, j), i, j);
    return j;
  }

  #variable(i: number, to: number): number {
    const s = this.#sql;
    if (s[i + 1] === "@") {
      let j = i + 2;
      while (j < to && (isIdentChar(s.charCodeAt(j)) || s[j] === ".")) j++;
      if (j === i + 2) throw parseError(s, i);
      this.#push("sys_var", s.slice(i + 2, j).toLowerCase(), i, j);
      return j;
    }
    const q = s[i + 1];
    if (q === "'" || q === '"' || q === "`") {
      const before = this.#out.length;
      const j = q === "`" ? this.#quotedIdent(i + 1, to) : this.#string(i + 1, to, "_");
      const tok = this.#out.splice(before)[0]!;
      this.#push("user_var", tok.value, i, j);
      return j;
    }
    let j = i + 1;
    while (j < to && isIdentChar(s.charCodeAt(j))) j++;
    this.#push("user_var", s.slice(i + 1, j), i, j);
    return j;
  }

  #word(i: number, to: number): number {
    const s = this.#sql;
    let j = i;
    while (j < to && isIdentChar(s.charCodeAt(j))) j++;
    const word = s.slice(i, j);
    const next = s[j];
    // Plain words (the common case) need none of the checks below.
    if (next !== "'" && c0IsPlain(s.charCodeAt(i))) {
      this.#push("word", word, i, j);
      return j;
    }
    // X'0A', B'01', N'text', _utf8mb4'text'
    if (next === "'") {
      const lower = word.toLowerCase();
      if (lower === "x" || lower === "b") {
        const close = s.indexOf("'", j + 1);
        if (close < 0 || close >= to) throw parseError(s, i);
        this.#push(lower === "x" ? "hex" : "bit", s.slice(j + 1, close), i, close + 1);
        return close + 1;
      }
      if (lower === "n" || CHARSET_INTRODUCERS.has(lower)) return this.#string(j, to, lower);
    }
    if (CHARSET_INTRODUCERS.has(word.toLowerCase()) && (next === " " || next === "0")) {
      // `_binary 'x'` with a space, or `_binary 0x41`: keep the introducer on the next literal.
      let k = j;
      while (k < to && isSpace(s.charCodeAt(k))) k++;
      if (s[k] === "'" || s[k] === '"') return this.#string(k, to, word.toLowerCase());
    }
    this.#push("word", word, i, j);
    return j;
  }
}

const UPPER_CACHE = new Map<string, string>();

/** `word` in upper case; String#toUpperCase is slow on short strings, so reuse results. */
function upperOf(word: string): string {
  let lower = false;
  for (let k = 0; k < word.length; k++) {
    const c = word.charCodeAt(k);
    if ((c >= 97 && c <= 122) || c >= 128) {
      lower = true;
      break;
    }
  }
  if (!lower) return word;
  let u = UPPER_CACHE.get(word);
  if (u === undefined) {
    u = word.toUpperCase();
    if (UPPER_CACHE.size > 4096) UPPER_CACHE.clear();
    UPPER_CACHE.set(word, u);
  }
  return u;
}

/** A word starting with this character cannot be a charset introducer (`_utf8mb4`). */
function c0IsPlain(c: number): boolean {
  return c !== 95;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function isExponent(s: string, j: number, to: number): boolean {
  if (j >= to || (s[j] !== "e" && s[j] !== "E")) return false;
  let k = j + 1;
  if (s[k] === "+" || s[k] === "-") k++;
  return k < to && isDigit(s.charCodeAt(k));
}

/** Index of the next backslash or `quote` at or after `from`, or -1. */
function nextSpecial(s: string, from: number, quote: string): number {
  const a = s.indexOf("\\", from);
  const b = s.indexOf(quote, from);
  if (a < 0) return b;
  if (b < 0) return a;
  return a < b ? a : b;
}

/** Split a multi-statement text on top-level `;` into statement texts (empty ones dropped). */
export function splitStatements(sql: string): string[] {
  const tokens = tokenize(sql);
  const out: string[] = [];
  let start = 0;
  for (const t of tokens) {
    if ((t.kind === "op" && t.value === ";") || t.kind === "eof") {
      const text = sql.slice(start, t.start).trim();
      if (text !== "") out.push(text);
      start = t.end;
    }
  }
  return out;
}
