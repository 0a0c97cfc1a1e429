/**
 * Which Com_* counter a statement counts in (MySQL's `enum_sql_command`, counted in
 * `mysql_execute_command`): read from the statement's first keywords, so it costs a map
 * look-up on the hot path. A statement whose kind is not kept counts in none.
 */

import { type ComName, comSlot } from "../thd/status_counters.ts";
import type { Token } from "./lexer.ts";

/** First keyword → counter, for statements one word decides. */
const BY_FIRST_WORD: ReadonlyMap<string, ComName> = new Map<string, ComName>([
  ["SELECT", "select"],
  ["WITH", "select"],
  ["VALUES", "select"],
  ["TABLE", "select"],
  ["UPDATE", "update"],
  ["DELETE", "delete"],
  ["SET", "set_option"],
  ["BEGIN", "begin"],
  ["START", "begin"],
  ["COMMIT", "commit"],
  ["SAVEPOINT", "savepoint"],
  ["RELEASE", "release_savepoint"],
  ["TRUNCATE", "truncate"],
  ["USE", "change_db"],
  ["KILL", "kill"],
  ["DO", "do"],
  ["FLUSH", "flush"],
  ["ANALYZE", "analyze"],
  ["OPTIMIZE", "optimize"],
  ["CHECK", "check"],
  ["REPAIR", "repair"],
  ["CHECKSUM", "checksum"],
  ["SHUTDOWN", "shutdown"],
  ["RESET", "reset"],
  ["PURGE", "purge"],
  ["HELP", "help"],
  ["GRANT", "grant"],
  ["PREPARE", "prepare_sql"],
  ["EXECUTE", "execute_sql"],
  ["DEALLOCATE", "dealloc_sql"],
  ["DESCRIBE", "show_fields"],
  ["DESC", "show_fields"],
]);

/** The object word after CREATE / DROP / ALTER / RENAME → counter suffix. */
const OBJECTS: ReadonlyMap<string, string> = new Map([
  ["TABLE", "table"],
  ["TABLES", "table"],
  ["DATABASE", "db"],
  ["SCHEMA", "db"],
  ["INDEX", "index"],
  ["USER", "user"],
  ["VIEW", "view"],
  ["ROLE", "role"],
]);

/** Words after SHOW (FULL, GLOBAL, SESSION skipped) → counter. */
const SHOWS: ReadonlyMap<string, ComName> = new Map<string, ComName>([
  ["DATABASES", "show_databases"],
  ["SCHEMAS", "show_databases"],
  ["TABLES", "show_tables"],
  ["COLUMNS", "show_fields"],
  ["FIELDS", "show_fields"],
  ["INDEX", "show_keys"],
  ["INDEXES", "show_keys"],
  ["KEYS", "show_keys"],
  ["VARIABLES", "show_variables"],
  ["STATUS", "show_status"],
  ["WARNINGS", "show_warnings"],
  ["ERRORS", "show_errors"],
  ["COUNT", "show_warnings"],
  ["PROCESSLIST", "show_processlist"],
  ["ENGINES", "show_storage_engines"],
  ["STORAGE", "show_storage_engines"],
  ["CHARSET", "show_charsets"],
  ["CHARACTER", "show_charsets"],
  ["COLLATION", "show_collations"],
  ["PLUGINS", "show_plugins"],
  ["GRANTS", "show_grants"],
  ["PRIVILEGES", "show_privileges"],
  ["MASTER", "show_master_status"],
  ["ENGINE", "show_engine_status"],
  ["OPEN", "show_open_tables"],
]);

function word(tokens: readonly Token[], i: number): string {
  const t = tokens[i];
  return t !== undefined && t.kind === "word" ? t.upper : "";
}

/** The Com_* slot of a statement, or -1 when none is kept for its kind. */
export function sqlCommandSlot(tokens: readonly Token[]): number {
  const first = tokens[0];
  if (first === undefined) return -1;
  if (first.kind === "op") return first.value === "(" ? comSlot("select") : -1;
  const name = BY_FIRST_WORD.get(first.upper) ?? otherCommand(tokens, first.upper);
  return name === null ? -1 : comSlot(name);
}

function otherCommand(tokens: readonly Token[], first: string): ComName | null {
  switch (first) {
    case "INSERT":
    case "REPLACE": {
      return insertsSelect(tokens)
        ? (first === "INSERT" ? "insert_select" : "replace_select")
        : (first === "INSERT" ? "insert" : "replace");
    }
    case "CREATE":
    case "DROP":
    case "ALTER":
    case "RENAME":
      return objectCommand(tokens, first.toLowerCase());
    case "SHOW":
      return showCommand(tokens);
    case "ROLLBACK":
      return word(tokens, 1) === "TO" || word(tokens, 2) === "TO"
        ? "rollback_to_savepoint"
        : "rollback";
    case "LOCK":
      return "lock_tables";
    case "UNLOCK":
      return "unlock_tables";
    case "REVOKE":
      return word(tokens, 1) === "ALL" ? "revoke_all" : "revoke";
    case "XA":
      return xaCommand(word(tokens, 1));
    case "EXPLAIN":
      return explainCommand(tokens);
  }
  return null;
}

/** INSERT / REPLACE ... SELECT: a SELECT before any VALUES or SET (a bulk VALUES list is not
 * scanned to its end). */
function insertsSelect(tokens: readonly Token[]): boolean {
  for (const t of tokens) {
    if (t.kind !== "word") continue;
    if (t.upper === "SELECT" || t.upper === "TABLE") return true;
    if (t.upper === "VALUES" || t.upper === "VALUE" || t.upper === "SET") return false;
  }
  return false;
}

/** CREATE / DROP / ALTER / RENAME: the object word within the first few tokens (after
 * TEMPORARY, OR REPLACE, UNIQUE, ALGORITHM = x, DEFINER = x, ...). */
function objectCommand(tokens: readonly Token[], verb: string): ComName | null {
  if (verb === "drop" && word(tokens, 1) === "PREPARE") return "dealloc_sql";
  for (let i = 1; i < Math.min(tokens.length, 8); i++) {
    const suffix = OBJECTS.get(word(tokens, i));
    if (suffix === undefined) continue;
    const name = `${verb}_${suffix}`;
    return COUNTED.has(name) ? name as ComName : null;
  }
  return null;
}

const COUNTED = new Set([
  "create_table",
  "create_db",
  "create_index",
  "create_user",
  "create_view",
  "create_role",
  "drop_table",
  "drop_db",
  "drop_index",
  "drop_user",
  "drop_view",
  "drop_role",
  "alter_table",
  "alter_db",
  "alter_user",
  "rename_table",
  "rename_user",
]);

function showCommand(tokens: readonly Token[]): ComName | null {
  let i = 1;
  while (["FULL", "GLOBAL", "SESSION", "LOCAL", "EXTENDED"].includes(word(tokens, i))) i++;
  const w = word(tokens, i);
  if (w === "TABLE") return "show_table_status";
  if (w === "CREATE") {
    const what = word(tokens, i + 1);
    if (what === "TABLE") return "show_create_table";
    if (what === "DATABASE" || what === "SCHEMA") return "show_create_db";
    if (what === "USER") return "show_create_user";
    return null;
  }
  return SHOWS.get(w) ?? null;
}

function xaCommand(w: string): ComName | null {
  switch (w) {
    case "START":
    case "BEGIN":
      return "xa_start";
    case "END":
      return "xa_end";
    case "PREPARE":
      return "xa_prepare";
    case "COMMIT":
      return "xa_commit";
    case "ROLLBACK":
      return "xa_rollback";
    case "RECOVER":
      return "xa_recover";
  }
  return null;
}

/** EXPLAIN / DESCRIBE of a statement counts as that statement; of a table, as SHOW COLUMNS. */
function explainCommand(tokens: readonly Token[]): ComName | null {
  const w = word(tokens, 1);
  if (w === "SELECT" || w === "WITH" || w === "FORMAT" || w === "ANALYZE") return "select";
  if (w === "INSERT" || w === "REPLACE") return otherCommand(tokens.slice(1), w);
  if (w === "UPDATE") return "update";
  if (w === "DELETE") return "delete";
  return "show_fields";
}
