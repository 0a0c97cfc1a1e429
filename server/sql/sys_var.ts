/**
 * A session's system variables as SQL and the protocol layer read them. `@@name` (bound into
 * plans and expressions) answers warning_count, error_count and last_insert_id (identity) from
 * the session itself, as MySQL does, and every other name from the session's variables; the
 * protocol layer reads wait_timeout, max_allowed_packet ... as text or a number.
 */

import type { SqlValue } from "./types.ts";
import type { Session } from "./session.ts";
import { textOf } from "./column_values.ts";
import { type GlobalValues, initialGlobals } from "../variables/system_variables.ts";

/** @@name as a SQL value. */
export function sysVar(
  s: Session,
  name: string,
  scope: "global" | "session" | "default",
): SqlValue {
  if (name === "warning_count") return s.warnings.length;
  if (name === "error_count") return s.warnings.filter((w) => w.level === "Error").length;
  if (name === "last_insert_id" || name === "identity") return s.lastInsertIdValue;
  const v = s.vars.get(name, scope);
  return v === null ? null : v;
}

/** A variable's session value as text or a number; null for an unknown name. */
export function variableValue(s: Session, name: string): string | number | null {
  try {
    const v = sysVar(s, name, "default");
    return typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? textOf(v) : v;
  } catch {
    return null;
  }
}

/** The global values a new session starts from: the defaults, then the server's `globals`. */
export function sessionGlobals(globals: ReadonlyMap<string, string | number>): GlobalValues {
  const g = initialGlobals();
  for (const [k, v] of globals) g.set(k, v);
  return g;
}
