/** The catalog of system variables by name, and lookup the way MySQL looks names up. */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import { GLOBAL_VARIABLE_DEFS } from "./_global_variable_table.ts";
import { HANDLERSOCKET_VARIABLE_DEFS } from "./_handlersocket_variable_table.ts";
import { SESSION_VARIABLE_DEFS } from "./_session_variable_table.ts";
import type { VariableDef } from "./variable_def.ts";

/** Every system variable by its MySQL name (lower case, underscores), sorted by name. */
export const SYSTEM_VARIABLES: ReadonlyMap<string, VariableDef> = new Map(
  [...GLOBAL_VARIABLE_DEFS, ...HANDLERSOCKET_VARIABLE_DEFS, ...SESSION_VARIABLE_DEFS]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((d) => [d.name, d]),
);

/** Normalise a variable name: case-insensitive, `-` and `_` equivalent (as in options). */
export function variableKey(name: string): string {
  return name.toLowerCase().replaceAll("-", "_");
}

/** The variable called `name`, or undefined. */
export function findVariable(name: string): VariableDef | undefined {
  return SYSTEM_VARIABLES.get(variableKey(name));
}

/** The variable called `name`, or ER_UNKNOWN_SYSTEM_VARIABLE (1193). */
export function requireVariable(name: string): VariableDef {
  const def = findVariable(name);
  if (!def) throw unknownVariable(name);
  return def;
}

/** MySQL's 1193 error for `name`. */
export function unknownVariable(name: string): MysqlError {
  return new MysqlError(ER.ER_UNKNOWN_SYSTEM_VARIABLE, `Unknown system variable '${name}'`);
}

/** The name a variable's value is stored under: its own, or the one it is an alias of. */
export function storageName(def: VariableDef): string {
  return def.aliasOf ?? def.name;
}

/**
 * Check that `@@scope.name` may be read: `@@global.x` of a session-only variable and
 * `@@session.x` of a global-only one fail with 1238, as in MySQL. "default" (plain `@@x`)
 * reads the session value, or the global one for global-only variables.
 */
export function checkReadScope(
  name: string,
  scope: "global" | "session" | "default",
): VariableDef {
  const def = requireVariable(name);
  if (scope === "global" && def.scope === "session") {
    throw new MysqlError(
      ER.ER_INCORRECT_GLOBAL_LOCAL_VAR,
      `Variable '${def.name}' is a SESSION variable`,
    );
  }
  if (scope === "session" && def.scope === "global") {
    throw new MysqlError(
      ER.ER_INCORRECT_GLOBAL_LOCAL_VAR,
      `Variable '${def.name}' is a GLOBAL variable`,
    );
  }
  return def;
}
