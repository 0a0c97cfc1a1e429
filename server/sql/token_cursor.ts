/** A read position in a statement's tokens, with the small helpers the statement parsers share. */

import { MysqlError } from "../errors/mysql_error.ts";
import { parseError, type Token } from "./lexer.ts";

/** Cursor over the tokens of one statement. */
export class TokenCursor {
  readonly sql: string;
  readonly tokens: Token[];
  pos: number;

  constructor(sql: string, tokens: Token[], pos = 0) {
    this.sql = sql;
    this.tokens = tokens;
    this.pos = pos;
  }

  /** The token `k` places ahead (eof past the end). */
  peek(k = 0): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)]!;
  }

  /** Take the current token. */
  next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  /** True at the end of the statement (eof or `;`). */
  atEnd(): boolean {
    const t = this.peek();
    return t.kind === "eof" || (t.kind === "op" && t.value === ";");
  }

  /** Whether the token `k` ahead is one of the keywords. */
  isWord(word: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === "word" && t.upper === word;
  }

  /** Take the keyword if it is next. */
  acceptWord(...words: string[]): boolean {
    for (let i = 0; i < words.length; i++) if (!this.isWord(words[i]!, i)) return false;
    this.pos += words.length;
    return true;
  }

  /** Take the keyword or fail with 1064. */
  expectWord(word: string): void {
    if (!this.acceptWord(word)) throw this.error();
  }

  /** Whether the token `k` ahead is the operator. */
  isOp(op: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === "op" && t.value === op;
  }

  /** Take the operator if it is next. */
  acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.pos++;
    return true;
  }

  /** Take the operator or fail with 1064. */
  expectOp(op: string): void {
    if (!this.acceptOp(op)) throw this.error();
  }

  /** Take an identifier (plain word or backticked). */
  ident(): string {
    const t = this.peek();
    if (t.kind !== "word" && t.kind !== "quoted") throw this.error();
    this.pos++;
    return t.value;
  }

  /** Take an identifier or a quoted string (names MySQL lets you quote either way). */
  name(): string {
    const t = this.peek();
    if (t.kind === "string") {
      this.pos++;
      return t.value;
    }
    return this.ident();
  }

  /** Take `name` or `db.name`. */
  qualified(): { db: string | null; name: string } {
    const first = this.ident();
    if (this.acceptOp(".")) return { db: first, name: this.ident() };
    return { db: null, name: first };
  }

  /** Take a number literal as an integer. */
  integer(): number {
    const t = this.peek();
    if (t.kind !== "number" || !/^\d+$/.test(t.value)) throw this.error();
    this.pos++;
    return Number(t.value);
  }

  /** Take a literal value: string, number, or NULL / TRUE / FALSE. */
  literal(): string | number | null {
    const t = this.peek();
    let sign = 1;
    if (t.kind === "op" && (t.value === "-" || t.value === "+")) {
      sign = t.value === "-" ? -1 : 1;
      this.pos++;
    }
    const v = this.next();
    if (v.kind === "string") return v.value;
    if (v.kind === "number") return sign * Number(v.value);
    if (v.kind === "word" && v.upper === "NULL") return null;
    if (v.kind === "word" && v.upper === "TRUE") return 1;
    if (v.kind === "word" && v.upper === "FALSE") return 0;
    this.pos--;
    throw this.error();
  }

  /** Fail unless at the end of the statement. */
  expectEnd(): void {
    if (!this.atEnd()) throw this.error();
  }

  /** MySQL's 1064 at the current token. */
  error(): MysqlError {
    return parseError(this.sql, this.peek().start);
  }

  /** Source text from token `from` up to (not including) token `to`. */
  text(from: number, to: number): string {
    if (to <= from) return "";
    return this.sql.slice(this.tokens[from]!.start, this.tokens[to - 1]!.end);
  }
}
