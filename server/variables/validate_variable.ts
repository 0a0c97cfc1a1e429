/**
 * SET's checks on a system variable's new value, with MySQL's errors and warnings
 * (sql/sys_vars.h `Sys_var_*::do_check`, mysys/my_getopt.cc `getopt_ull_limit_value`), and the
 * text SHOW VARIABLES prints for a value.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import { collationById, findCharset, findCollation } from "./charsets.ts";
import { requireVariable } from "./variable_catalog.ts";
import type { VariableDef, VariableValue } from "./variable_def.ts";

/** A note or warning SET leaves behind (SHOW WARNINGS), e.g. 1292 for a clamped integer. */
export interface VariableWarning {
  code: number;
  message: string;
}

/** What SET may be given: an evaluated SQL value. */
export type SetInput = VariableValue | boolean | Uint8Array;

/** Options of `validateVariable`. */
export interface ValidateOptions {
  /** Receives warnings (clamped or rounded integers). */
  warnings?: VariableWarning[];
  /** "option" words clamping warnings as mysqld does for option files; default "sql". */
  source?: "sql" | "option";
}

/** Error codes this module uses that server/errors/mysql_error.ts does not list yet. */
export const ER_UNKNOWN_STORAGE_ENGINE = 1286;
/** MySQL's ER_UNKNOWN_TIME_ZONE. */
export const ER_UNKNOWN_TIME_ZONE = 1298;

const STORAGE_ENGINES = [
  "InnoDB",
  "MyISAM",
  "MEMORY",
  "CSV",
  "ARCHIVE",
  "BLACKHOLE",
  "MRG_MYISAM",
  "FEDERATED",
  "PERFORMANCE_SCHEMA",
];

/** sql_mode's combination modes and what they turn on (MySQL 8.0 expand_sql_mode). */
const SQL_MODE_COMBINATIONS: Record<string, readonly string[]> = {
  ANSI: ["REAL_AS_FLOAT", "PIPES_AS_CONCAT", "ANSI_QUOTES", "IGNORE_SPACE", "ONLY_FULL_GROUP_BY"],
  TRADITIONAL: [
    "STRICT_TRANS_TABLES",
    "STRICT_ALL_TABLES",
    "NO_ZERO_IN_DATE",
    "NO_ZERO_DATE",
    "ERROR_FOR_DIVISION_BY_ZERO",
    "NO_ENGINE_SUBSTITUTION",
  ],
};

/**
 * Check that SET [GLOBAL|SESSION] `name` = `value` is allowed and return the value to store,
 * normalised: integers clamped and rounded to the block size (with warning 1292), booleans 0/1,
 * enums and sets in canonical spelling. Throws MysqlError 1193, 1238, 1228, 1229, 1231, 1232,
 * 1115, 1273, 1286 or 1298 as MySQL does.
 */
export function validateVariable(
  name: string,
  value: SetInput,
  scope: "global" | "session",
  options: ValidateOptions = {},
): VariableValue {
  const def = requireVariable(name);
  if (!def.dynamic) {
    throw new MysqlError(
      ER.ER_INCORRECT_GLOBAL_LOCAL_VAR,
      `Variable '${def.name}' is a read only variable`,
    );
  }
  if (scope === "global" && def.scope === "session") {
    throw new MysqlError(
      ER.ER_LOCAL_VARIABLE,
      `Variable '${def.name}' is a SESSION variable and can't be used with SET GLOBAL`,
    );
  }
  if (scope === "session" && def.scope === "global") {
    throw new MysqlError(
      ER.ER_GLOBAL_VARIABLE,
      `Variable '${def.name}' is a GLOBAL variable and should be set with SET GLOBAL`,
    );
  }
  return normalizeValue(def, value, options);
}

/**
 * Normalise `value` for `def` without the scope and read-only checks (startup options, server
 * internals). Throws the same value errors as `validateVariable`.
 */
export function normalizeValue(
  def: VariableDef,
  input: SetInput,
  options: ValidateOptions = {},
): VariableValue {
  const value = input instanceof Uint8Array
    ? new TextDecoder().decode(input)
    : typeof input === "boolean"
    ? Number(input)
    : input;
  if (value === null) {
    if (def.nullable) return null;
    throw wrongValue(def, "NULL");
  }
  switch (def.type) {
    case "integer":
      return normalizeInteger(def, value, options);
    case "float":
      return normalizeFloat(def, value, options);
    case "boolean":
      return normalizeBoolean(def, value);
    case "enum":
      return normalizeEnum(def, value);
    case "set":
      return normalizeSet(def, value);
    case "charset":
      return normalizeCharset(def, value);
    case "collation":
      return normalizeCollation(def, value);
    case "time_zone":
      return normalizeTimeZone(def, value);
    case "string":
      return normalizeString(def, value);
  }
}

/** MySQL's 1231 error. */
function wrongValue(def: VariableDef, shown: string): MysqlError {
  return new MysqlError(
    ER.ER_WRONG_VALUE_FOR_VAR,
    `Variable '${def.name}' can't be set to the value of '${shown}'`,
  );
}

/** MySQL's 1232 error. */
function wrongType(def: VariableDef): MysqlError {
  return new MysqlError(
    ER.ER_WRONG_TYPE_FOR_VAR,
    `Incorrect argument type to variable '${def.name}'`,
  );
}

function isWhole(value: number | bigint): boolean {
  return typeof value === "bigint" || Number.isInteger(value);
}

function fromBig(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(v)
    : v;
}

function normalizeInteger(
  def: VariableDef,
  value: string | number | bigint,
  options: ValidateOptions,
): number | bigint {
  if (typeof value === "string" || !isWhole(value)) throw wrongType(def);
  const given = BigInt(value);
  let v = given;
  if (v > def.max) v = def.max;
  if (def.blockSize > 1n) v = (v / def.blockSize) * def.blockSize;
  if (v < def.min) v = def.min;
  if (v !== given) {
    const message = options.source === "option"
      ? `option '${def.name}': ${def.min < 0n ? "signed" : "unsigned"} value ${given} ` +
        `adjusted to ${v}`
      : `Truncated incorrect ${def.name} value: '${given}'`;
    options.warnings?.push({ code: ER.ER_TRUNCATED_WRONG_VALUE, message });
  }
  return fromBig(v);
}

function normalizeFloat(
  def: VariableDef,
  value: string | number | bigint,
  options: ValidateOptions,
): number {
  if (typeof value === "string") throw wrongType(def);
  const given = Number(value);
  const v = Math.min(Math.max(given, Number(def.min)), Number(def.max));
  if (v !== given) {
    const message = options.source === "option"
      ? `option '${def.name}': value ${given} adjusted to ${v}`
      : `Truncated incorrect ${def.name} value: '${given}'`;
    options.warnings?.push({ code: ER.ER_TRUNCATED_WRONG_VALUE, message });
  }
  return v;
}

const TRUE_WORDS = new Set(["ON", "TRUE", "1"]);
const FALSE_WORDS = new Set(["OFF", "FALSE", "0"]);

function normalizeBoolean(def: VariableDef, value: string | number | bigint): number {
  if (typeof value === "string") {
    const word = value.trim().toUpperCase();
    if (TRUE_WORDS.has(word)) return 1;
    if (FALSE_WORDS.has(word)) return 0;
    throw wrongValue(def, value);
  }
  if (!isWhole(value)) throw wrongType(def);
  if (value === 0 || value === 0n) return 0;
  if (value === 1 || value === 1n) return 1;
  throw wrongValue(def, String(value));
}

function normalizeEnum(def: VariableDef, value: string | number | bigint): string {
  if (typeof value === "string") {
    const upper = value.toUpperCase();
    const found = def.values.find((v) => v.toUpperCase() === upper);
    if (found === undefined) throw wrongValue(def, value);
    return found;
  }
  if (!isWhole(value)) throw wrongType(def);
  const found = def.values[Number(value)];
  if (value < 0 || found === undefined) throw wrongValue(def, String(value));
  return found;
}

function normalizeSet(def: VariableDef, value: string | number | bigint): string {
  const chosen = new Set<string>();
  if (typeof value === "string") {
    for (const part of value.split(",")) {
      const word = part.trim().toUpperCase();
      if (word === "") continue;
      const found = def.values.find((v) => v === word || v.toUpperCase() === word);
      if (found === undefined || found.startsWith("NOT_USED")) throw wrongValue(def, part);
      chosen.add(found);
    }
  } else {
    if (!isWhole(value)) throw wrongType(def);
    const mask = BigInt(value);
    if (mask < 0n || mask >= 1n << BigInt(def.values.length)) throw wrongValue(def, `${value}`);
    def.values.forEach((v, i) => {
      if (mask & (1n << BigInt(i))) chosen.add(v);
    });
  }
  if (def.name === "sql_mode") {
    for (const [combo, members] of Object.entries(SQL_MODE_COMBINATIONS)) {
      if (chosen.has(combo)) { for (const m of members) chosen.add(m); }
    }
  }
  return def.values.filter((v) => chosen.has(v)).join(",");
}

function normalizeCharset(def: VariableDef, value: string | number | bigint): string {
  let name: string | undefined;
  if (typeof value === "string") {
    name = findCharset(value)?.name;
    if (name === undefined) {
      throw new MysqlError(ER.ER_UNKNOWN_CHARACTER_SET, `Unknown character set: '${value}'`);
    }
  } else {
    if (!isWhole(value)) throw wrongType(def);
    name = collationById(Number(value))?.charset;
    if (name === undefined) {
      throw new MysqlError(ER.ER_UNKNOWN_CHARACTER_SET, `Unknown character set: '${value}'`);
    }
  }
  // A client character set must be ASCII-compatible (MySQL: is_supported_parser_charset).
  if (def.name === "character_set_client" && /^(ucs2|utf16|utf32)$/.test(name)) {
    throw wrongValue(def, name);
  }
  return name;
}

function normalizeCollation(def: VariableDef, value: string | number | bigint): string {
  const found = typeof value === "string"
    ? findCollation(value)
    : isWhole(value)
    ? collationById(Number(value))
    : undefined;
  if (typeof value !== "string" && !isWhole(value)) throw wrongType(def);
  if (!found) throw new MysqlError(ER.ER_UNKNOWN_COLLATION, `Unknown collation: '${value}'`);
  return found.name;
}

function normalizeTimeZone(def: VariableDef, value: string | number | bigint): string {
  if (typeof value !== "string") throw wrongType(def);
  if (value.toUpperCase() === "SYSTEM") return "SYSTEM";
  const offset = /^([+-])(\d{1,2}):(\d{2})$/.exec(value.trim());
  if (offset) {
    const minutes = Number(offset[2]) * 60 + Number(offset[3]);
    const sign = offset[1]!;
    // MySQL accepts -13:59 through +14:00.
    if (Number(offset[3]) < 60 && (sign === "+" ? minutes <= 840 : minutes <= 839)) {
      return `${sign}${offset[2]!.padStart(2, "0")}:${offset[3]}`;
    }
  } else if (/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value)) {
    try {
      return new Intl.DateTimeFormat("en-US", { timeZone: value }).resolvedOptions().timeZone;
    } catch {
      // Falls through to MySQL's error.
    }
  }
  throw new MysqlError(ER_UNKNOWN_TIME_ZONE, `Unknown or incorrect time zone: '${value}'`);
}

function normalizeString(def: VariableDef, value: string | number | bigint): string {
  if (typeof value !== "string") throw wrongType(def);
  if (def.name === "default_storage_engine" || def.name === "default_tmp_storage_engine") {
    const engine = STORAGE_ENGINES.find((e) => e.toUpperCase() === value.toUpperCase());
    if (!engine) {
      throw new MysqlError(ER_UNKNOWN_STORAGE_ENGINE, `Unknown storage engine '${value}'`, "42000");
    }
    return engine;
  }
  return value;
}

/**
 * A value as SHOW VARIABLES prints it: booleans ON/OFF, floats with six decimals
 * (long_query_time 10.000000), NULL as an empty string.
 */
export function formatVariable(def: VariableDef, value: VariableValue): string {
  if (value === null) return "";
  if (def.type === "boolean") return Number(value) ? "ON" : "OFF";
  if (def.type === "float") return Number(value).toFixed(6);
  return String(value);
}
