/**
 * What a system variable is: its MySQL name, type, scope, default and limits.
 *
 * The table of MySQL 8.0's variables is built from these definitions in `_variable_table.ts`;
 * `system_variables.ts` is the module everyone imports.
 */

/** Where a variable lives: only global, only per session, or both (session copies global). */
export type VariableScope = "global" | "session" | "both";

/**
 * The variable's type, which decides what SET accepts (MySQL's Sys_var_* classes):
 * - integer: whole numbers between `min` and `max`, rounded down to `blockSize`
 * - boolean: 0/1/ON/OFF/TRUE/FALSE, stored as 0 or 1, shown as OFF/ON
 * - enum: one of `values` (or its index), stored as the canonical spelling
 * - set: comma-separated subset of `values` (or a bit mask), stored canonical and ordered
 * - string: any text (`nullable` ones also NULL)
 * - float: a number between `min` and `max`
 * - charset / collation: a known character set or collation name
 * - time_zone: SYSTEM, an offset such as +02:00, or a named zone
 */
export type VariableType =
  | "integer"
  | "boolean"
  | "enum"
  | "set"
  | "string"
  | "float"
  | "charset"
  | "collation"
  | "time_zone";

/**
 * A variable's value: number for integers that fit in 2^53, floats and booleans (0/1); bigint
 * past 2^53 (e.g. sql_select_limit's default 18446744073709551615); string for the rest; null
 * only for nullable variables (character_set_results, secure_file_priv, ...).
 */
export type VariableValue = string | number | bigint | null;

/** One system variable. */
export interface VariableDef {
  /** MySQL's name, lower case with underscores. */
  readonly name: string;
  readonly type: VariableType;
  readonly scope: VariableScope;
  /** False for variables only set at startup (read only to SET). */
  readonly dynamic: boolean;
  /** Compiled-in default, already normalised. */
  readonly default: VariableValue;
  /** Integer and float bounds (bigint so that unsigned 64-bit limits are exact). */
  readonly min: bigint;
  readonly max: bigint;
  /** Integers are rounded down to a multiple of this (1 for most). */
  readonly blockSize: bigint;
  /** Choices of an enum or set, canonical spelling, in MySQL's order. */
  readonly values: readonly string[];
  /** Whether NULL is a valid value. */
  readonly nullable: boolean;
  /** Another variable this one is a second name for (tx_isolation → transaction_isolation). */
  readonly aliasOf: string | null;
}

/** Largest unsigned 64-bit value, MySQL's ULONGLONG_MAX. */
export const ULONGLONG_MAX = 18446744073709551615n;
/** Largest unsigned 32-bit value, MySQL's UINT_MAX32. */
export const UINT_MAX32 = 4294967295n;
/** One year in seconds: the upper bound of MySQL's timeouts (LONG_TIMEOUT). */
export const LONG_TIMEOUT = 31536000n;

/** Optional parts of a definition; what is left out takes the common value. */
export interface DefOptions {
  /** Default "both". */
  scope?: VariableScope;
  /** True for read-only variables (dynamic = false). */
  ro?: boolean;
  min?: number | bigint;
  max?: number | bigint;
  block?: number | bigint;
  values?: readonly string[];
  nullable?: boolean;
  aliasOf?: string;
}

function make(name: string, type: VariableType, dflt: VariableValue, o: DefOptions): VariableDef {
  return {
    name,
    type,
    scope: o.scope ?? "both",
    dynamic: !o.ro,
    default: typeof dflt === "bigint" && dflt <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(dflt)
      : dflt,
    min: BigInt(o.min ?? 0),
    max: BigInt(o.max ?? ULONGLONG_MAX),
    blockSize: BigInt(o.block ?? 1),
    values: o.values ?? [],
    nullable: o.nullable ?? false,
    aliasOf: o.aliasOf ?? null,
  };
}

/** An integer variable (min 0, max 2^64-1 unless given). */
export function intVar(name: string, dflt: number | bigint, o: DefOptions = {}): VariableDef {
  return make(name, "integer", dflt, o);
}

/** A boolean variable: the default is ON (true) or OFF (false). */
export function boolVar(name: string, dflt: boolean, o: DefOptions = {}): VariableDef {
  return make(name, "boolean", dflt ? 1 : 0, o);
}

/** An enum variable; `o.values` lists the choices. */
export function enumVar(name: string, dflt: string, o: DefOptions): VariableDef {
  return make(name, "enum", dflt, o);
}

/** A set variable; `o.values` lists the members. */
export function setVar(name: string, dflt: string, o: DefOptions): VariableDef {
  return make(name, "set", dflt, o);
}

/** A string variable. */
export function strVar(name: string, dflt: string | null, o: DefOptions = {}): VariableDef {
  return make(name, "string", dflt, o);
}

/** A float variable. */
export function floatVar(name: string, dflt: number, o: DefOptions = {}): VariableDef {
  return make(name, "float", dflt, o);
}

/** A character set variable (character_set_*). */
export function charsetVar(name: string, dflt: string, o: DefOptions = {}): VariableDef {
  return make(name, "charset", dflt, o);
}

/** A collation variable (collation_*). */
export function collationVar(name: string, dflt: string, o: DefOptions = {}): VariableDef {
  return make(name, "collation", dflt, o);
}

/** A time zone variable (time_zone). */
export function timeZoneVar(name: string, dflt: string, o: DefOptions = {}): VariableDef {
  return make(name, "time_zone", dflt, o);
}
