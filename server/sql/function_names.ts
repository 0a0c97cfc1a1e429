/**
 * Which SQLite function a MySQL function name calls: a SQLite built-in under another name, one
 * of the MySQL functions registered by `mysql_functions.ts` (`mysql_` + name), or the same name.
 */

/** MySQL function name → the function called in SQLite. Names not listed pass through. */
const RENAMES: Record<string, string> = {
  IF: "iif",
  IFNULL: "ifnull",
  NULLIF: "nullif",
  COALESCE: "coalesce",
  CONCAT: "mysql_concat",
  CONCAT_WS: "mysql_concat_ws",
  LENGTH: "mysql_length",
  OCTET_LENGTH: "mysql_length",
  CHAR_LENGTH: "length",
  CHARACTER_LENGTH: "length",
  UCASE: "upper",
  LCASE: "lower",
  LEFT: "mysql_left",
  RIGHT: "mysql_right",
  SUBSTRING: "mysql_substring",
  SUBSTR: "mysql_substring",
  MID: "mysql_substring",
  LOCATE: "mysql_locate",
  GREATEST: "max",
  LEAST: "min",
  CEILING: "mysql_ceil",
  POWER: "mysql_pow",
  SCHEMA: "mysql_database",
  SESSION_USER: "mysql_user",
  SYSTEM_USER: "mysql_user",
  NOW: "mysql_now",
  SYSDATE: "mysql_now",
  LOCALTIME: "mysql_now",
  LOCALTIMESTAMP: "mysql_now",
  CURRENT_TIMESTAMP: "mysql_now",
  CURDATE: "mysql_curdate",
  CURRENT_DATE: "mysql_curdate",
  CURTIME: "mysql_curtime",
  CURRENT_TIME: "mysql_curtime",
  DAYOFMONTH: "mysql_day",
  SHA: "mysql_sha1",
  RAND: "mysql_rand",
  ISNULL: "mysql_isnull",
  JSON_EXTRACT: "json_extract",
  JSON_OBJECT: "json_object",
  JSON_ARRAY: "json_array",
  JSON_VALID: "json_valid",
  JSON_TYPE: "mysql_json_type",
  JSON_LENGTH: "json_array_length",
};

/** MySQL functions registered under `mysql_<name>` (see mysql_functions.ts). */
export const REGISTERED = new Set([
  "DATABASE",
  "USER",
  "CURRENT_USER",
  "VERSION",
  "CONNECTION_ID",
  "LAST_INSERT_ID",
  "ROW_COUNT",
  "FOUND_ROWS",
  "SLEEP",
  "UTC_TIMESTAMP",
  "UTC_DATE",
  "UTC_TIME",
  "UNIX_TIMESTAMP",
  "FROM_UNIXTIME",
  "DATE_FORMAT",
  "DATEDIFF",
  "TIMEDIFF",
  "YEAR",
  "MONTH",
  "DAY",
  "HOUR",
  "MINUTE",
  "SECOND",
  "MICROSECOND",
  "DAYOFWEEK",
  "DAYOFYEAR",
  "WEEKDAY",
  "DAYNAME",
  "MONTHNAME",
  "QUARTER",
  "WEEK",
  "LAST_DAY",
  "TO_DAYS",
  "FROM_DAYS",
  "STR_TO_DATE",
  "MAKEDATE",
  "DATE",
  "TIME",
  "TIMESTAMP",
  "SUBSTRING_INDEX",
  "LPAD",
  "RPAD",
  "REPEAT",
  "REVERSE",
  "SPACE",
  "ASCII",
  "ORD",
  "CHAR",
  "HEX",
  "UNHEX",
  "MD5",
  "SHA1",
  "SHA2",
  "TO_BASE64",
  "FROM_BASE64",
  "UUID",
  "ROUND",
  "TRUNCATE",
  "FLOOR",
  "CEIL",
  "MOD",
  "POW",
  "SQRT",
  "SIGN",
  "PI",
  "EXP",
  "LN",
  "LOG",
  "LOG2",
  "LOG10",
  "SIN",
  "COS",
  "TAN",
  "ASIN",
  "ACOS",
  "ATAN",
  "ATAN2",
  "COT",
  "DEGREES",
  "RADIANS",
  "FORMAT",
  "FIELD",
  "ELT",
  "FIND_IN_SET",
  "STRCMP",
  "BIT_LENGTH",
  "INSERT",
  "INSTR",
  "JSON_UNQUOTE",
  "CONV",
  "BIN",
  "OCT",
  "INET_ATON",
  "INET_NTOA",
  "UUID_SHORT",
  "REGEXP_LIKE",
  "REGEXP_REPLACE",
  "ADDTIME",
  "SUBTIME",
  "SEC_TO_TIME",
  "TIME_TO_SEC",
  "PERIOD_ADD",
  "MAKETIME",
  "YEARWEEK",
  "BENCHMARK",
  "GET_LOCK",
  "RELEASE_LOCK",
  "IS_FREE_LOCK",
  "IS_USED_LOCK",
  "RELEASE_ALL_LOCKS",
  "CHARSET",
  "COLLATION",
  "COERCIBILITY",
  "QUOTE",
  "UPPER",
  "LOWER",
  "LTRIM",
  "RTRIM",
  "ABS",
  "CRC32",
  "TIMESTAMPDIFF",
  "TIMESTAMPADD",
]);

/** The SQLite function name for MySQL function `upper` (a word followed by `(`). */
export function functionName(upper: string): string {
  return RENAMES[upper] ??
    (REGISTERED.has(upper) ? `mysql_${upper.toLowerCase()}` : upper.toLowerCase());
}

/** MySQL functions that may be written without parentheses (CURRENT_TIMESTAMP), or null. */
export function rewriteBareFunction(upper: string): string | null {
  switch (upper) {
    case "CURRENT_TIMESTAMP":
    case "LOCALTIME":
    case "LOCALTIMESTAMP":
      return "mysql_now()";
    case "CURRENT_DATE":
      return "mysql_curdate()";
    case "CURRENT_TIME":
      return "mysql_curtime()";
    case "CURRENT_USER":
      return "mysql_current_user()";
    case "UTC_TIMESTAMP":
      return "mysql_utc_timestamp()";
    case "UTC_DATE":
      return "mysql_utc_date()";
    case "UTC_TIME":
      return "mysql_utc_time()";
  }
  return null;
}
