/**
 * Token rewriting of MySQL DML into SQLite: identifiers and table names resolved to store
 * names, literals turned into `?` parameters (so one compiled plan serves every statement with
 * the same digest), MySQL operators and functions mapped onto SQLite's or onto the registered
 * MySQL functions. It keeps a map from output offsets back to clauses and source tokens, so
 * SQLite's errors can be reported as MySQL reports them.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import { parseError, type Token } from "./lexer.ts";
import type { ItemName, Pin, Slot, TableRef } from "./plan.ts";
import type { TableDef } from "../store/table_def.ts";
import { quoteStore, storeName } from "../store/table_def.ts";
import { INFORMATION_SCHEMA_VIEWS } from "../store/information_schema_views.ts";
import { rewriteBareFunction, rewriteFunction } from "./rewrite_functions.ts";
import {
  ALIAS_STOP,
  CLAUSE_END,
  INTERVAL_UNITS,
  KEYWORDS,
  NOT_FUNCTION,
  SELECT_MODIFIERS,
  STORE_RESERVED,
} from "./rewrite_keywords.ts";

export { INTERVAL_UNITS };

/** What the rewriter needs to know about the session. */
export interface RewriteContext {
  currentDb: string | null;
  /** The table `db`.`name` (temporary tables first), or undefined. */
  findTable(db: string, name: string): TableDef | undefined;
  pipesAsConcat: boolean;
  /** 1146 for a missing table, or 1142 when the session could not use it anyway (MySQL). */
  noSuchTable(db: string, name: string, priv: string): MysqlError;
}

/** State of one nesting level (statement, parenthesis, subquery). */
export interface Frame {
  inFrom: boolean;
  expectTable: boolean;
  selectList: boolean;
  /** "order" / "group" while in those lists: number items there are column positions. */
  list: "" | "order" | "group";
  top: boolean;
  itemStart: number;
  itemOut: number;
}

/** A new frame. */
export function newFrame(top = false): Frame {
  return {
    inFrom: false,
    expectTable: false,
    selectList: false,
    list: "",
    top,
    itemStart: -1,
    itemOut: -1,
  };
}

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
        i = this.tableRef(i, f);
        continue;
      }
      if (t.kind === "word") i = this.word(i, f);
      else if (t.kind === "op") i = this.op(i, f);
      else i = this.simple(i);
    }
    this.closeItem(i, f);
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
        return this.withClause(i, f);
    }
    if (CLAUSE_END.has(u)) return this.clauseWord(i, f);
    return this.operatorWord(i, f);
  }

  select(i: number, f: Frame): number {
    this.emit("SELECT", i);
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

  op(i: number, f: Frame): number {
    const t = this.tokens[i]!;
    switch (t.value) {
      case "(":
        return this.group(i);
      case ",":
        if (f.selectList && f.itemStart >= 0) {
          this.closeItem(i, f);
          this.emit(",", i);
          f.itemStart = i + 1;
          f.itemOut = this.out.length;
          return i + 1;
        }
        this.emit(",", i);
        if (f.inFrom) f.expectTable = true;
        if (f.list !== "") return this.listStart(i + 1, f);
        return i + 1;
      case "||":
        this.emit(this.ctx.pipesAsConcat ? "||" : "OR", i);
        return i + 1;
      case "&&":
        this.emit("AND", i);
        return i + 1;
      case "!":
        this.emit("NOT", i);
        return i + 1;
      case "<=>":
        this.emit("IS", i);
        return i + 1;
      case "/":
        // MySQL's `/` never truncates: 5/2 is 2.5000.
        this.emit("* 1.0 /", i);
        return i + 1;
      case "+":
      case "-":
        if (this.isWord(i + 1, "INTERVAL")) return this.intervalArithmetic(i);
        break;
      case "*":
        if (f.selectList) this.primaryStart = this.out.length;
        break;
    }
    this.emit(t.value, i);
    return i + 1;
  }

  /** `x + INTERVAL n unit` → mysql_date_add(x, n, 'unit'). */
  intervalArithmetic(i: number): number {
    const fn = this.isOp(i, "-") ? "mysql_date_sub" : "mysql_date_add";
    const left = this.out.slice(this.primaryStart);
    this.out = this.out.slice(0, this.primaryStart) + `${fn}(${left}`;
    this.emit(",", i);
    const j = this.intervalBody(i + 2);
    this.emit(")");
    return j;
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

  clauseWord(i: number, f: Frame): number {
    const u = this.tokens[i]!.upper;
    this.closeItem(i, f);
    f.inFrom = false;
    f.selectList = false;
    f.list = "";
    switch (u) {
      case "WHERE":
        this.emit("WHERE", i);
        this.clause("where clause");
        return i + 1;
      case "HAVING":
        this.emit("HAVING", i);
        this.clause("having clause");
        return i + 1;
      case "GROUP":
      case "ORDER":
        if (!this.isWord(i + 1, "BY")) throw this.errorAt(i + 1);
        this.emit(`${u} BY`, i);
        this.clause(u === "GROUP" ? "group statement" : "order clause");
        f.list = u === "GROUP" ? "group" : "order";
        return this.listStart(i + 2, f);
      case "LIMIT":
        return this.limit(i, f);
      case "UNION":
      case "EXCEPT":
      case "INTERSECT":
        return this.setOperator(i);
      case "FOR":
      case "LOCK":
        return this.lockClause(i);
      case "INTO":
        return this.into(i);
    }
    this.emit(u, i);
    return i + 1;
  }

  /** Positions in ORDER BY / GROUP BY lists (ORDER BY 2) stay literal numbers in the SQL. */
  listStart(i: number, f: Frame): number {
    const t = this.tokens[i]!;
    const after = this.tokens[i + 1]!;
    const ends = after.kind === "eof" ||
      (after.kind === "op" && [",", ")", ";"].includes(after.value)) ||
      (after.kind === "word" &&
        ["ASC", "DESC", "LIMIT", "HAVING", "ORDER", "UNION", "FOR", "LOCK", "WITH", "INTO"]
          .includes(after.upper));
    if (t.kind === "number" && ends && f.list !== "") {
      this.emit(this.pinValue(i), i);
      return i + 1;
    }
    return i;
  }

  limit(i: number, f: Frame): number {
    if (f.top && this.limitOut < 0) {
      this.limitOut = this.out.length;
      this.limitSlots = this.slots.length;
    }
    this.emit("LIMIT", i);
    const a = i + 1;
    if (this.isOp(a + 1, ",")) {
      // LIMIT offset, count → LIMIT count OFFSET offset
      this.emitValue(a + 2);
      this.emit("OFFSET");
      this.emitValue(a);
      return a + 3;
    }
    this.emitValue(a);
    if (this.isWord(a + 1, "OFFSET")) {
      this.emit("OFFSET", a + 1);
      this.emitValue(a + 2);
      return a + 3;
    }
    return a + 1;
  }

  setOperator(i: number): number {
    const u = this.tokens[i]!.upper;
    let j = i + 1;
    let text = u;
    if (this.isWord(j, "ALL")) {
      text += " ALL";
      j++;
    } else if (this.isWord(j, "DISTINCT")) j++;
    this.emit(text, i);
    if (this.isOp(j, "(")) return this.parenthesisedSelect(j);
    return j;
  }

  /** `(SELECT ...)` as a UNION member: SQLite wants `SELECT * FROM (SELECT ...)`. */
  parenthesisedSelect(i: number): number {
    this.emit("SELECT * FROM", i);
    return this.group(i);
  }

  lockClause(i: number): number {
    let j = i;
    if (this.isWord(j, "FOR") && (this.isWord(j + 1, "UPDATE") || this.isWord(j + 1, "SHARE"))) {
      this.forUpdate ||= this.isWord(j + 1, "UPDATE");
      j += 2;
      if (this.isWord(j, "OF")) {
        j++;
        while (
          this.tokens[j]!.kind === "word" || this.tokens[j]!.kind === "quoted" ||
          this.isOp(j, ",")
        ) j++;
      }
      if (this.isWord(j, "NOWAIT")) j++;
      else if (this.isWord(j, "SKIP") && this.isWord(j + 1, "LOCKED")) j += 2;
      return j;
    }
    if (
      this.isWord(j, "LOCK") && this.isWord(j + 1, "IN") && this.isWord(j + 2, "SHARE") &&
      this.isWord(j + 3, "MODE")
    ) {
      return j + 4;
    }
    throw this.errorAt(i);
  }

  into(i: number): number {
    let j = i + 1;
    for (;;) {
      const t = this.tokens[j]!;
      if (t.kind !== "user_var") {
        throw new MysqlError(
          ER.ER_NOT_SUPPORTED_YET,
          "This version of MySQL doesn't yet support 'SELECT ... INTO OUTFILE'",
        );
      }
      this.intoVars.push(t.value);
      j++;
      if (!this.isOp(j, ",")) return j;
      j++;
    }
  }

  withClause(i: number, _f: Frame): number {
    this.emit("WITH", i);
    let j = i + 1;
    if (this.isWord(j, "RECURSIVE")) {
      this.emit("RECURSIVE", j);
      j++;
    }
    for (;;) {
      const name = this.tokens[j]!;
      if (name.kind !== "word" && name.kind !== "quoted") throw this.errorAt(j);
      this.cteNames.add(name.value.toLowerCase());
      this.emit(quoteStore(name.value), j);
      j++;
      if (this.isOp(j, "(")) j = this.group(j);
      if (!this.isWord(j, "AS")) throw this.errorAt(j);
      this.emit("AS", j);
      j = this.group(j + 1);
      if (!this.isOp(j, ",")) return j;
      this.emit(",", j);
      j++;
    }
  }

  operatorWord(i: number, f: Frame): number {
    const t = this.tokens[i]!;
    const u = t.upper;
    switch (u) {
      case "LIKE":
        return this.like(i, f);
      case "REGEXP":
      case "RLIKE":
        this.emit("REGEXP", i);
        return i + 1;
      case "DIV":
        this.emit("/", i);
        return i + 1;
      case "MOD":
        this.emit("%", i);
        return i + 1;
      case "XOR":
        this.emit("<>", i);
        return i + 1;
      case "UNKNOWN":
        this.emit("NULL", i);
        return i + 1;
      case "BINARY":
        return i + 1;
      case "COLLATE": {
        const c = this.tokens[i + 1]!.value.toLowerCase();
        this.emit(
          c.endsWith("_bin") || c === "binary" || c.endsWith("_cs")
            ? "COLLATE BINARY"
            : "COLLATE NOCASE",
          i,
        );
        return i + 2;
      }
      case "DATE":
      case "TIME":
      case "TIMESTAMP":
        if (this.tokens[i + 1]!.kind === "string") return i + 1;
        break;
      case "AS":
        return this.alias(i);
      case "DISTINCTROW":
        this.emit("DISTINCT", i);
        return i + 1;
      case "INTERVAL":
        throw this.errorAt(i);
    }
    const bare = rewriteBareFunction(u);
    if (bare !== null) {
      this.primaryStart = this.out.length;
      this.emit(bare, i);
      return i + 1;
    }
    if (KEYWORDS.has(u)) {
      this.emit(u, i);
      return i + 1;
    }
    return this.identifier(i);
  }

  alias(i: number): number {
    const t = this.tokens[i + 1]!;
    if (t.kind !== "word" && t.kind !== "quoted" && t.kind !== "string") throw this.errorAt(i + 1);
    this.emit(`AS ${quoteStore(t.value)}`, i);
    return i + 2;
  }

  like(i: number, _f: Frame): number {
    this.emit("LIKE", i);
    let j = i + 1;
    const t = this.tokens[j]!;
    if (t.kind === "word" && this.isOp(j + 1, "(")) j = rewriteFunction(this, j);
    else if (this.isOp(j, "(")) j = this.group(j);
    else j = t.kind === "word" || t.kind === "quoted" ? this.identifier(j) : this.simple(j);
    // MySQL's LIKE escapes with backslash unless told otherwise; SQLite has no default.
    if (!this.isWord(j, "ESCAPE")) this.emit("ESCAPE '\\'");
    return j;
  }

  /** A table reference in FROM / JOIN. */
  tableRef(i: number, f: Frame): number {
    if (this.isOp(i, "(")) {
      if (this.isWord(i + 1, "SELECT") || this.isWord(i + 1, "WITH")) {
        const j = this.group(i);
        return this.tableAlias(j, null);
      }
      const inner = newFrame();
      inner.inFrom = true;
      inner.expectTable = true;
      return this.group(i, inner);
    }
    if (this.isWord(i, "LATERAL")) throw this.errorAt(i);
    const first = this.tokens[i]!;
    if (first.kind !== "word" && first.kind !== "quoted") throw this.errorAt(i);
    let db: string | null = null;
    let name = first.value;
    let j = i + 1;
    if (this.isOp(j, ".")) {
      db = name;
      name = this.tokens[j + 1]!.value;
      j += 2;
    }
    const alias = this.aliasName(j);
    if (alias !== null) j = alias.next;
    this.emit(this.resolveTable(i, db, name, alias?.name ?? name, f), i);
    return this.skipHints(j);
  }

  /** Resolve `db.name` to its store table, record it, and return `"db.t" AS "alias"`. */
  resolveTable(i: number, db: string | null, name: string, alias: string, _f: Frame): string {
    if (db === null && this.cteNames.has(name.toLowerCase())) {
      return alias === name ? quoteStore(name) : `${quoteStore(name)} AS ${quoteStore(alias)}`;
    }
    const schema = db ?? this.ctx.currentDb;
    if (schema === null) throw new MysqlError(ER.ER_NO_DB_ERROR, "No database selected");
    if (schema.toLowerCase() === "information_schema") {
      const view = name.toUpperCase();
      if (!INFORMATION_SCHEMA_VIEWS.includes(view)) {
        throw new MysqlError(ER.ER_UNKNOWN_TABLE, `Unknown table '${name}' in information_schema`);
      }
      this.tables.push({ db: "information_schema", name: view, alias, def: null });
      return `${quoteStore(`information_schema.${view}`)} AS ${quoteStore(alias)}`;
    }
    const def = this.ctx.findTable(schema, name);
    if (!def) throw this.ctx.noSuchTable(schema, name, "SELECT");
    void i;
    this.tables.push({ db: schema, name, alias, def });
    return `${quoteStore(storeName(schema, def.name))} AS ${quoteStore(alias)}`;
  }

  /** `[AS] alias` at token i, or null. */
  aliasName(i: number): { name: string; next: number } | null {
    let j = i;
    const hasAs = this.isWord(j, "AS");
    if (hasAs) j++;
    const t = this.tokens[j]!;
    if (t.kind === "quoted" || (hasAs && t.kind === "string")) {
      return { name: t.value, next: j + 1 };
    }
    if (t.kind === "word" && (hasAs || !ALIAS_STOP.has(t.upper))) {
      return { name: t.value, next: j + 1 };
    }
    if (hasAs) throw this.errorAt(j);
    return null;
  }

  tableAlias(i: number, _name: string | null): number {
    const a = this.aliasName(i);
    if (!a) return i;
    this.emit(`AS ${quoteStore(a.name)}`, i);
    return a.next;
  }

  /** Skip index hints: USE / FORCE / IGNORE INDEX|KEY [FOR ...] (list). */
  skipHints(i: number): number {
    let j = i;
    while (
      (this.isWord(j, "USE") || this.isWord(j, "FORCE") || this.isWord(j, "IGNORE")) &&
      (this.isWord(j + 1, "INDEX") || this.isWord(j + 1, "KEY"))
    ) {
      j += 2;
      if (this.isWord(j, "FOR")) {
        j++;
        if (this.isWord(j, "JOIN")) j++;
        else j += 2;
      }
      if (!this.isOp(j, "(")) throw this.errorAt(j);
      while (!this.isOp(j, ")")) {
        if (this.tokens[j]!.kind === "eof") throw this.errorAt(j);
        j++;
      }
      j++;
    }
    return j;
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
