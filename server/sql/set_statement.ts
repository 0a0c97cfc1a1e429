/**
 * SET: system variables (`SET [GLOBAL|SESSION] x = v`, `SET @@x = v`), user variables
 * (`SET @u = v`), SET NAMES / CHARACTER SET, SET TRANSACTION. Values are validated by the
 * variables module; SET GLOBAL goes to the main thread through the server link.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import type { TokenCursor } from "./token_cursor.ts";
import type { StatementResult } from "./types.ts";
import type { Session } from "./session.ts";
import { ok } from "./statement_dispatch.ts";
import { evalExpression } from "./expression_eval.ts";
import {
  findCharset,
  requireVariable,
  type VariableWarning,
} from "../variables/system_variables.ts";
import { checkGlobalPrivilege } from "./privilege_checks.ts";

type Scope = "global" | "session";

interface Assignment {
  kind: "system" | "user";
  name: string;
  scope: Scope;
  value: unknown;
  isDefault: boolean;
}

function scopeWord(c: TokenCursor): Scope | null {
  if (c.acceptWord("GLOBAL") || c.acceptWord("PERSIST") || c.acceptWord("PERSIST_ONLY")) {
    return "global";
  }
  if (c.acceptWord("SESSION") || c.acceptWord("LOCAL")) return "session";
  return null;
}

/** The value after `=`: a bare word (ON, TRADITIONAL, DEFAULT) is text, anything else is evaluated. */
function value(s: Session, c: TokenCursor): { value: unknown; isDefault: boolean } {
  if (!c.acceptOp("=") && !c.acceptOp(":=")) throw c.error();
  const t = c.peek();
  const next = c.peek(1);
  const endsHere = next.kind === "eof" ||
    (next.kind === "op" && (next.value === "," || next.value === ";"));
  if (t.kind === "word" && endsHere) {
    c.next();
    if (t.upper === "DEFAULT") return { value: null, isDefault: true };
    if (t.upper === "ON" || t.upper === "TRUE") {
      return { value: t.upper === "ON" ? "ON" : 1, isDefault: false };
    }
    if (t.upper === "NULL") return { value: null, isDefault: false };
    return { value: t.value, isDefault: false };
  }
  const r = evalExpression(s, c.sql, c.tokens, c.pos);
  c.pos = r.next;
  return { value: r.value, isDefault: false };
}

function assignment(s: Session, c: TokenCursor, scope: Scope | null): Assignment {
  const t = c.peek();
  if (t.kind === "user_var") {
    c.next();
    return { kind: "user", name: t.value, scope: "session", ...value(s, c) };
  }
  if (t.kind === "sys_var") {
    c.next();
    let name = t.value;
    let sc: Scope = scope ?? "session";
    for (
      const [prefix, p] of [["global.", "global"], ["session.", "session"], ["local.", "session"], [
        "persist.",
        "global",
      ]] as const
    ) {
      if (name.startsWith(prefix)) {
        name = name.slice(prefix.length);
        sc = p;
      }
    }
    return { kind: "system", name, scope: sc, ...value(s, c) };
  }
  const sc = scopeWord(c) ?? scope ?? "session";
  const name = c.ident().toLowerCase();
  let full = name;
  if (c.acceptOp(".")) full = `${name}.${c.ident().toLowerCase()}`;
  return { kind: "system", name: full, scope: sc, ...value(s, c) };
}

async function apply(s: Session, a: Assignment): Promise<void> {
  if (a.kind === "user") {
    s.setUserVar(a.name, a.value as never);
    return;
  }
  const def = requireVariable(a.name);
  let v = a.isDefault ? s.vars.defaultValue(a.name, a.scope) : a.value;
  if (v instanceof Uint8Array) v = new TextDecoder().decode(v);
  if (a.scope === "global") {
    checkGlobalPrivilege(s, "SUPER", "SYSTEM_VARIABLES_ADMIN");
    await s.link.setGlobalVariable(
      def.name,
      v === null ? "" : typeof v === "bigint" ? Number(v) : v as string | number,
    );
    s.vars.applyGlobal(def.name, v as never);
    return;
  }
  const warnings: VariableWarning[] = [];
  const wasAutocommit = s.autocommit;
  s.vars.set(a.name, v as never, { warnings });
  s.variablesChanged();
  for (const w of warnings) s.warn(w.code, w.message);
  // Turning autocommit on commits the open transaction (MySQL).
  if (def.name === "autocommit" && s.autocommit && !wasAutocommit) s.txn.commit();
}

function setNames(s: Session, c: TokenCursor): StatementResult {
  if (c.acceptWord("DEFAULT")) {
    s.vars.setNames("utf8mb4");
    return ok(s);
  }
  const cs = c.name();
  let collation: string | undefined;
  if (c.acceptWord("COLLATE")) collation = c.name();
  c.expectEnd();
  if (!findCharset(cs)) {
    throw new MysqlError(ER.ER_UNKNOWN_CHARACTER_SET, `Unknown character set: '${cs}'`);
  }
  s.vars.setNames(cs, collation);
  return ok(s);
}

function setTransaction(s: Session, c: TokenCursor, scope: Scope | null): StatementResult {
  do {
    if (c.acceptWord("ISOLATION", "LEVEL")) {
      const words: string[] = [];
      while (
        c.peek().kind === "word" &&
        ["READ", "UNCOMMITTED", "COMMITTED", "REPEATABLE", "SERIALIZABLE"].includes(c.peek().upper)
      ) {
        words.push(c.next().upper);
      }
      if (words.length === 0) throw c.error();
      if (scope === "session") s.vars.set("transaction_isolation", words.join("-"));
    } else if (c.acceptWord("READ", "ONLY") || c.acceptWord("READ", "WRITE")) {
      continue;
    } else throw c.error();
  } while (c.acceptOp(","));
  c.expectEnd();
  return ok(s);
}

/** SET ... */
export async function setStatement(s: Session, c: TokenCursor): Promise<StatementResult> {
  c.expectWord("SET");
  if (c.acceptWord("NAMES")) return setNames(s, c);
  if (c.acceptWord("CHARACTER", "SET") || c.acceptWord("CHARSET")) {
    const cs = c.isWord("DEFAULT") ? (c.next(), "utf8mb4") : c.name();
    c.expectEnd();
    if (!findCharset(cs)) {
      throw new MysqlError(ER.ER_UNKNOWN_CHARACTER_SET, `Unknown character set: '${cs}'`);
    }
    s.vars.set("character_set_client", cs);
    s.vars.set("character_set_results", cs);
    return ok(s);
  }
  const save = c.pos;
  const scope = scopeWord(c);
  if (c.acceptWord("TRANSACTION")) return setTransaction(s, c, scope ?? "session");
  c.pos = save;
  const list: Assignment[] = [];
  let sc: Scope | null = null;
  do {
    const a = assignment(s, c, sc);
    sc = a.kind === "system" ? a.scope : sc;
    list.push(a);
  } while (c.acceptOp(","));
  c.expectEnd();
  try {
    for (const a of list) await apply(s, a);
  } finally {
    s.variablesChanged();
  }
  return ok(s);
}
