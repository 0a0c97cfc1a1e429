/**
 * The one place that turns SQLite errors into MySQL errors (house rule 6).
 *
 * node:sqlite errors carry only a message (`code` is "ERR_SQLITE_ERROR"), so this maps on the
 * message text. What the message cannot tell (the duplicate value, the key name, the clause a
 * column was in, the source position of a syntax error) comes from the caller's `hint`.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";

/** MySQL error numbers this module uses that the shared table does not list. */
export const ER_NO_DEFAULT_FOR_FIELD = 1364;
export const ER_UNKNOWN_ERROR = 1105;
export const ER_WRONG_NUMBER_OF_COLUMNS_IN_SELECT = 1222;
export const ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT = 1582;

/** What the statement that failed can tell about the failure. */
export interface StoreErrorHint {
  /** MySQL message parts for a unique violation on store columns `db.t.c`. */
  duplicate?(storeColumns: string[]): MysqlError;
  /** The error for a NOT NULL violation on column `column`. */
  notNull?(column: string): MysqlError;
  /** The clause MySQL names for an unknown column at `offset` (-1: unknown) in the store SQL. */
  clauseAt?(offset: number, name: string): string;
  /** The syntax error at `offset` in the store SQL (-1: unknown; `near` is SQLite's token). */
  syntaxAt?(offset: number, near: string | null): MysqlError;
  /** Database for "FUNCTION db.f does not exist". */
  db?: string | null;
}

/** Whether the error is SQLite's "database is locked" (SQLITE_BUSY). */
export function isBusyError(e: unknown): boolean {
  return e instanceof Error && !(e instanceof MysqlError) &&
    /database (table )?is locked|SQLITE_BUSY/.test(e.message);
}

function offsetOf(message: string): number {
  const m = / at offset (\d+)$/.exec(message);
  return m ? Number(m[1]) : -1;
}

type Rule = [RegExp, (m: RegExpExecArray, message: string, hint: StoreErrorHint) => MysqlError];

const RULES: Rule[] = [
  [/^UNIQUE constraint failed: (.*?)(?: in .*)?$/, (m, _msg, h) => {
    const cols = m[1]!.split(", ");
    return h.duplicate?.(cols) ??
      new MysqlError(ER.ER_DUP_ENTRY, `Duplicate entry '' for key '${cols.join(",")}'`);
  }],
  [/^NOT NULL constraint failed: (.*?)(?: in .*)?$/, (m, _msg, h) => {
    const col = m[1]!.slice(m[1]!.lastIndexOf(".") + 1);
    return h.notNull?.(col) ??
      new MysqlError(ER.ER_BAD_NULL_ERROR, `Column '${col}' cannot be null`);
  }],
  [/^cannot store (\w+) value in (\w+) column (.*)$/, (m) => {
    const col = m[3]!.slice(m[3]!.lastIndexOf(".") + 1);
    const kind = m[2] === "INTEGER" ? "integer" : m[2] === "REAL" ? "decimal" : "string";
    return new MysqlError(
      ER.ER_TRUNCATED_WRONG_VALUE_FOR_FIELD,
      `Incorrect ${kind} value for column '${col}' at row 1`,
    );
  }],
  [/^no such table: (?:main\.|temp\.)?(.*?)(?: in .*)?$/, (m) => {
    return new MysqlError(ER.ER_NO_SUCH_TABLE, `Table '${m[1]}' doesn't exist`);
  }],
  [/^no such column: (.*?)(?: in .*)?$/, (m, msg, h) => {
    const clause = h.clauseAt?.(offsetOf(msg), m[1]!) ?? "field list";
    return new MysqlError(ER.ER_BAD_FIELD_ERROR, `Unknown column '${m[1]}' in '${clause}'`);
  }],
  [/^ambiguous column name: (.*?)(?: in .*)?$/, (m, msg, h) => {
    const clause = h.clauseAt?.(offsetOf(msg), m[1]!) ?? "field list";
    return new MysqlError(ER.ER_NON_UNIQ_ERROR, `Column '${m[1]}' in ${clause} is ambiguous`);
  }],
  [/^near "(.*)": syntax error|^incomplete input|^unrecognized token: "(.*)"/, (m, msg, h) => {
    return h.syntaxAt?.(offsetOf(msg), m[1] ?? m[2] ?? null) ??
      new MysqlError(ER.ER_PARSE_ERROR, "You have an error in your SQL syntax");
  }],
  [/^table (.*) already exists/, (m) => {
    return new MysqlError(
      ER.ER_TABLE_EXISTS_ERROR,
      `Table '${m[1]!.replaceAll('"', "")}' already exists`,
    );
  }],
  [/^(database|database table) is locked/, () => {
    return new MysqlError(
      ER.ER_LOCK_WAIT_TIMEOUT,
      "Lock wait timeout exceeded; try restarting transaction",
    );
  }],
  [/^misuse of aggregate|^misuse of window function/, () => {
    return new MysqlError(ER.ER_INVALID_GROUP_FUNC_USE, "Invalid use of group function");
  }],
  [/^sub-select returns \d+ columns|^row value misused/, () => {
    return new MysqlError(ER.ER_OPERAND_COLUMNS, "Operand should contain 1 column(s)");
  }],
  [/do not have the same number of result columns/, () => {
    return new MysqlError(
      ER_WRONG_NUMBER_OF_COLUMNS_IN_SELECT,
      "The used SELECT statements have a different number of columns",
    );
  }],
  [/^no such function: (\w+)/, (m, _msg, h) => {
    return new MysqlError(
      ER.ER_SP_DOES_NOT_EXIST,
      `FUNCTION ${h.db ?? ""}${h.db ? "." : ""}${m[1]} does not exist`,
    );
  }],
  [/^wrong number of arguments to function (\w+)/, (m) => {
    return new MysqlError(
      ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT,
      `Incorrect parameter count in the call to native function '${m[1]}'`,
    );
  }],
  [
    /^interrupted/,
    () => new MysqlError(ER.ER_QUERY_INTERRUPTED, "Query execution was interrupted"),
  ],
];

/** Map any error thrown by the store onto a MysqlError; MysqlErrors pass through. */
export function mapStoreError(e: unknown, hint: StoreErrorHint = {}): MysqlError {
  if (e instanceof MysqlError) return e;
  const message = e instanceof Error ? e.message : String(e);
  for (const [re, make] of RULES) {
    const m = re.exec(message);
    if (m) return make(m, message, hint);
  }
  return new MysqlError(ER_UNKNOWN_ERROR, `Unknown error: ${message}`);
}
