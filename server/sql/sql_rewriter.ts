/**
 * Token rewriting of MySQL DML into SQLite: identifiers and table names resolved to store
 * names, literals turned into `?` parameters (so one compiled plan serves every statement with
 * the same digest), MySQL operators and functions mapped onto SQLite's or onto the registered
 * MySQL functions. It keeps a map from output offsets back to clauses and source tokens, so
 * SQLite's errors can be reported as MySQL reports them.
 */

import type { MysqlError } from "../errors/mysql_error.ts";
import { parseError, type Token } from "./lexer.ts";
import type { ItemName, Pin, Slot, TableRef } from "./plan.ts";
import { quoteStore } from "../store/table_def.ts";
import { rewriteFunction } from "./rewrite_functions.ts";
import {
  CLAUSE_END,
  INTERVAL_UNITS,
  NOT_FUNCTION,
  SELECT_MODIFIERS,
  STORE_RESERVED,
} from "./rewrite_keywords.ts";
import { type Frame, newFrame, type RewriteContext } from "./rewrite_frame.ts";
import { clauseWord, withClause } from "./rewrite_clauses.ts";
import { op, operatorWord } from "./rewrite_operators.ts";
import { tableRef } from "./rewrite_table_refs.ts";
import { endWhere, startScanLevel } from "./rewrite_scan_check.ts";

const LITERALS = new Set(["string", "number", "hex", "bit"]);

/** Rewrites one statement; the pieces of the plan are read from its fields afterwards. */
export class SqlRewriter {
  readonly sql: string;
  readonly tokens: Token[];
  readonly ctx: RewriteContext;
  out = "";
  slots: Slot[] = [];
  pins: Pin[] = [];
  tables: TableRef[] = [];
  /** (output offset, clause name) in output order. */
  clauses: [number, string][] = [];
  /** (output offset, source token) in output order. */
  tokenMap: [number, number][] = [];
  /** Source token index → literal ordinal or param ordinal. */
  ordinal: Int32Array;
  cteNames = new Set<string>();
  /** Result item names of the outermost SELECT, and their output ranges. */
  itemNames: ItemName[] = [];
  itemOut: [number, number][] = [];
  forUpdate = false;
  calcFoundRows = false;
  intoVars: string[] = [];
  /** Output offset and slot count where the outermost LIMIT starts (-1 when none). */
  limitOut = -1;
  limitSlots = 0;
  /** True once `@v :=` is seen: user variables are then read through a function. */
  assigns: boolean;
  /** Output offset where the last complete operand started (for `x + INTERVAL n DAY`). */
  primaryStart = 0;
  /** Column names that VALUES(c) may refer to (ON DUPLICATE KEY UPDATE). */
  valuesAsExcluded = false;

  constructor(sql: string, tokens: Token[], ctx: RewriteContext) {
    this.sql = sql;
    this.tokens = tokens;
    this.ctx = ctx;
    this.ordinal = new Int32Array(tokens.length);
    let lit = 0;
    let param = 0;
    let assigns = false;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (LITERALS.has(t.kind)) this.ordinal[i] = lit++;
      else if (t.kind === "param") this.ordinal[i] = param++;
      else if (t.kind === "op" && t.value === ":=") assigns = true;
    }
    this.assigns = assigns;
  }

  /** Append store SQL produced for source token `token`. */
  emit(text: string, token = -1): void {
    if (token >= 0) this.tokenMap.push([this.out.length, token]);
    const last = this.out.charCodeAt(this.out.length - 1);
    // Keep words apart; punctuation needs no space.
    if (this.out.length > 0 && last !== 40 && last !== 32 && text[0] !== "," && text[0] !== ")") {
      this.out += " ";
    }
    this.out += text;
  }

  /** Mark the start of a clause for "Unknown column 'x' in 'where clause'". */
  clause(name: string): void {
    this.clauses.push([this.out.length, name]);
  }

  /** The clause MySQL names for output offset `offset` (or where `column` first appears). */
  clauseAt(offset: number, column = ""): string {
    if (offset < 0) offset = findWord(this.out, column.slice(column.lastIndexOf(".") + 1));
    let name = "field list";
    for (const [at, c] of this.clauses) if (at <= offset) name = c;
    return name;
  }

  /** MySQL's 1064 for a SQLite syntax error at output offset `offset` (or at token `near`). */
  syntaxAt(offset: number, near: string | null = null): MysqlError {
    if (offset < 0 && near === null) return parseError(this.sql, this.sql.length);
    if (offset < 0) offset = Math.max(0, findWord(this.out, near!));
    let token = 0;
    for (const [at, t] of this.tokenMap) if (at <= offset) token = t;
    return parseError(this.sql, this.tokens[token]!.start);
  }

  /** 1064 at source token `i`. */
  errorAt(i: number): MysqlError {
    return parseError(this.sql, this.tokens[i]!.start);
  }

  isWord(i: number, word: string): boolean {
    const t = this.tokens[i]!;
    return t.kind === "word" && t.upper === word;
  }

  isOp(i: number, op: string): boolean {
    const t = this.tokens[i]!;
    return t.kind === "op" && t.value === op;
  }

  /** Emit a literal or placeholder token as a bound parameter. */
  emitValue(i: number): void {
    const t = this.tokens[i]!;
    this.emit("?", i);
    this.slots.push({ kind: t.kind === "param" ? "param" : "lit", index: this.ordinal[i]! });
  }

  /** Emit a literal's value into the SQL text and pin it (it changes the plan's meaning). */
  pinValue(i: number): string {
    const t = this.tokens[i]!;
    this.pins.push({ lit: this.ordinal[i]!, value: t.value });
    return t.value;
  }

  /** Translate tokens from `i` until `)`, `;`, the end, or `stop`; returns where it stopped. */
  run(i: number, f: Frame, stop?: (t: Token, i: number) => boolean): number {
    for (;;) {
      const t = this.tokens[i]!;
      if (t.kind === "eof" || (t.kind === "op" && (t.value === ";" || t.value === ")"))) break;
      if (stop && stop(t, i)) break;
      if (f.expectTable) {
        f.expectTable = false;
        i = tableRef(this, i, f);
        continue;
      }
      if (t.kind === "word") i = this.word(i, f);
      else if (t.kind === "op") i = op(this, i, f);
      else i = this.simple(i);
    }
    this.closeItem(i, f);
    endWhere(this, f);
    return i;
  }

  /** Translate a parenthesised group starting at `(` (token i); returns the index after `)`. */
  group(i: number, f?: Frame): number {
    const start = this.out.length;
    this.emit("(", i);
    const j = this.run(i + 1, f ?? newFrame());
    if (!this.isOp(j, ")")) throw this.errorAt(j);
    this.emit(")", j);
    this.primaryStart = start;
    return j + 1;
  }

  simple(i: number): number {
    const t = this.tokens[i]!;
    const start = this.out.length;
    if (LITERALS.has(t.kind) || t.kind === "param") {
      this.emitValue(i);
    } else if (t.kind === "quoted") {
      return this.identifier(i);
    } else if (t.kind === "user_var") {
      if (this.isOp(i + 1, ":=")) return this.assignment(i);
      if (this.assigns) {
        this.emit(`mysql_getvar('${t.value.replaceAll("'", "''")}')`, i);
      } else {
        this.emit("?", i);
        this.slots.push({ kind: "uservar", name: t.value });
      }
    } else if (t.kind === "sys_var") {
      this.emit("?", i);
      this.slots.push(sysVarSlot(t.value));
    } else {
      throw this.errorAt(i);
    }
    this.primaryStart = start;
    return i + 1;
  }

  /** `@v := expr` → mysql_setvar('v', expr); the expression runs to the end of the operand list. */
  assignment(i: number): number {
    const name = this.tokens[i]!.value.replaceAll("'", "''");
    this.emit(`mysql_setvar('${name}',`, i);
    const j = this.run(
      i + 2,
      newFrame(),
      (t) =>
        (t.kind === "op" && t.value === ",") || (t.kind === "word" && (t.upper === "FROM" ||
          t.upper === "AS" || CLAUSE_END.has(t.upper))),
    );
    this.emit(")");
    return j;
  }

  /** An identifier chain `c`, `t.c`, `db.t.c` or `t.*`. */
  identifier(i: number): number {
    const parts: string[] = [];
    const start = this.out.length;
    let j = i;
    for (;;) {
      const t = this.tokens[j]!;
      if (t.kind === "quoted") parts.push(quoteStore(t.value));
      else if (t.kind === "word") {
        parts.push(STORE_RESERVED.has(t.upper) ? quoteStore(t.value) : t.value);
      } else if (t.kind === "op" && t.value === "*") parts.push("*");
      else throw this.errorAt(j);
      if (!this.isOp(j + 1, ".")) break;
      j += 2;
    }
    // db.t.c: the table is aliased by its own name in the store SQL.
    this.emit(parts.slice(-2).join("."), i);
    this.primaryStart = start;
    return j + 1;
  }

  word(i: number, f: Frame): number {
    const t = this.tokens[i]!;
    const u = t.upper;
    if (this.isOp(i + 1, "(") && !NOT_FUNCTION.has(u)) {
      const start = this.out.length;
      const j = rewriteFunction(this, i);
      this.primaryStart = start;
      return j;
    }
    if (this.isOp(i + 1, ".")) return this.identifier(i);
    switch (u) {
      case "SELECT":
        return this.select(i, f);
      case "FROM":
        this.closeItem(i, f);
        f.selectList = false;
        if (this.isWord(i + 1, "DUAL")) return i + 2;
        this.emit("FROM", i);
        f.inFrom = true;
        f.expectTable = true;
        return i + 1;
      case "JOIN":
      case "STRAIGHT_JOIN":
        this.emit("JOIN", i);
        f.expectTable = true;
        return i + 1;
      case "ON":
        this.emit("ON", i);
        this.clause("on clause");
        return i + 1;
      case "WITH":
        return withClause(this, i, f);
    }
    if (CLAUSE_END.has(u)) return clauseWord(this, i, f);
    return operatorWord(this, i, f);
  }

  select(i: number, f: Frame): number {
    this.emit("SELECT", i);
    startScanLevel(f);
    f.selectList = true;
    f.inFrom = false;
    f.list = "";
    let j = i + 1;
    for (;;) {
      const w = this.tokens[j]!;
      if (w.kind !== "word") break;
      if (w.upper === "DISTINCT" || w.upper === "DISTINCTROW") this.emit("DISTINCT", j);
      else if (w.upper === "ALL") this.emit("ALL", j);
      else if (w.upper === "SQL_CALC_FOUND_ROWS") this.calcFoundRows ||= f.top;
      else if (!SELECT_MODIFIERS.has(w.upper)) break;
      j++;
    }
    if (f.top && this.itemNames.length === 0 && this.itemOut.length === 0) {
      this.clause("field list");
      f.itemStart = j;
      f.itemOut = this.out.length;
    }
    return j;
  }

  /** End the current select item at token `i` when tracking the outermost select list. */
  closeItem(i: number, f: Frame): void {
    if (f.itemStart < 0) return;
    const from = f.itemStart;
    this.itemOut.push([f.itemOut, this.out.length]);
    const t = this.tokens[from]!;
    if (i - from === 1 && t.kind === "string") {
      this.itemNames.push({ kind: "literal", token: from });
    } else this.itemNames.push({ kind: "text", from, to: i });
    f.itemStart = -1;
  }

  /** After INTERVAL: the amount expression and the unit; emits `amount, 'UNIT'`. */
  intervalBody(i: number): number {
    const j = this.run(i, newFrame(), (t, k) =>
      t.kind === "word" && INTERVAL_UNITS.has(t.upper) &&
      !this.isOp(k + 1, "("));
    const unit = this.tokens[j]!;
    if (unit.kind !== "word" || !INTERVAL_UNITS.has(unit.upper)) throw this.errorAt(j);
    this.emit(`, '${unit.upper}'`, j);
    return j + 1;
  }
}

/** Offset of the first whole-word occurrence of `word` in `text` (case-insensitive), or -1. */
function findWord(text: string, word: string): number {
  if (word === "") return -1;
  const re = new RegExp(
    `(^|[^\\w])"?${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"?($|[^\\w])`,
    "i",
  );
  const m = re.exec(text);
  return m ? m.index + m[1]!.length : -1;
}

function sysVarSlot(text: string): Slot {
  for (const scope of ["global", "session", "local"] as const) {
    if (text.startsWith(scope + ".")) {
      return {
        kind: "sysvar",
        name: text.slice(scope.length + 1),
        scope: scope === "global" ? "global" : "session",
      };
    }
  }
  return { kind: "sysvar", name: text, scope: "default" };
}
