/**
 * MySQL 8.0's system variables: definitions, lookup, SET validation, SHOW VARIABLES text and a
 * session's values. This module only re-exports; the pieces live beside it.
 */

export {
  type DefOptions,
  LONG_TIMEOUT,
  UINT_MAX32,
  ULONGLONG_MAX,
  type VariableDef,
  type VariableScope,
  type VariableType,
  type VariableValue,
} from "./variable_def.ts";
export {
  checkReadScope,
  findVariable,
  requireVariable,
  storageName,
  SYSTEM_VARIABLES,
  unknownVariable,
  variableKey,
} from "./variable_catalog.ts";
export {
  ER_UNKNOWN_STORAGE_ENGINE,
  ER_UNKNOWN_TIME_ZONE,
  formatVariable,
  normalizeValue,
  type SetInput,
  type ValidateOptions,
  validateVariable,
  type VariableWarning,
} from "./validate_variable.ts";
export {
  type GlobalValues,
  initialGlobals,
  SessionVariables,
  type VariableEntry,
} from "./session_variables.ts";
export { DEFAULT_SQL_MODE, SQL_MODE_VALUES } from "./_session_variable_table.ts";
export {
  type CharsetInfo,
  CHARSETS,
  collationById,
  type CollationInfo,
  COLLATIONS,
  findCharset,
  findCollation,
} from "./charsets.ts";
