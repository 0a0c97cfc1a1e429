import assert from "node:assert/strict";
import { MysqlError } from "../../server/errors/mysql_error.ts";
import {
  findVariable,
  formatVariable,
  initialGlobals,
  SessionVariables,
  SYSTEM_VARIABLES,
  validateVariable,
  type VariableWarning,
} from "../../server/variables/system_variables.ts";

function errorOf(fn: () => unknown): MysqlError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MysqlError) return e;
    throw e;
  }
  throw new Error("expected a MysqlError");
}

Deno.test("variables: MySQL 8.0 defaults that connectors read", () => {
  const expect: Record<string, unknown> = {
    wait_timeout: 28800,
    interactive_timeout: 28800,
    connect_timeout: 10,
    net_read_timeout: 30,
    net_write_timeout: 60,
    max_allowed_packet: 67108864,
    max_connections: 151,
    lock_wait_timeout: 31536000,
    innodb_lock_wait_timeout: 50,
    lower_case_table_names: 0,
    transaction_isolation: "REPEATABLE-READ",
    tx_isolation: "REPEATABLE-READ",
    version_comment: "mydeno",
    protocol_version: 10,
    have_ssl: "DISABLED",
    default_authentication_plugin: "mysql_native_password",
    query_cache_size: 0,
    query_cache_type: "OFF",
    sql_select_limit: 18446744073709551615n,
    sql_mode: "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE," +
      "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION",
  };
  for (const [name, value] of Object.entries(expect)) {
    assert.equal(findVariable(name)?.default, value, name);
  }
  assert.equal(formatVariable(findVariable("performance_schema")!, 0), "OFF");
  assert.equal(formatVariable(findVariable("autocommit")!, 1), "ON");
  assert.equal(formatVariable(findVariable("long_query_time")!, 10), "10.000000");
  assert.ok(SYSTEM_VARIABLES.size > 200);
});

Deno.test("variables: lookup is case-insensitive with - and _ equivalent", () => {
  assert.equal(findVariable("Max-Allowed-Packet")?.name, "max_allowed_packet");
  assert.equal(findVariable("no_such_thing"), undefined);
});

Deno.test("variables: SET errors carry MySQL's codes and texts", () => {
  const cases: Array<[() => unknown, number, string]> = [
    [() => validateVariable("nope", 1, "session"), 1193, "Unknown system variable 'nope'"],
    [
      () => validateVariable("autocommit", 2, "session"),
      1231,
      "Variable 'autocommit' can't be set to the value of '2'",
    ],
    [
      () => validateVariable("sql_mode", "STRICT_TRANS_TABLES,BOGUS", "session"),
      1231,
      "Variable 'sql_mode' can't be set to the value of 'BOGUS'",
    ],
    [
      () => validateVariable("wait_timeout", "abc", "session"),
      1232,
      "Incorrect argument type to variable 'wait_timeout'",
    ],
    [
      () => validateVariable("wait_timeout", 1.5, "session"),
      1232,
      "Incorrect argument type to variable 'wait_timeout'",
    ],
    [
      () => validateVariable("timestamp", 1, "global"),
      1228,
      "Variable 'timestamp' is a SESSION variable and can't be used with SET GLOBAL",
    ],
    [
      () => validateVariable("max_connections", 10, "session"),
      1229,
      "Variable 'max_connections' is a GLOBAL variable and should be set with SET GLOBAL",
    ],
    [
      () => validateVariable("version", "x", "global"),
      1238,
      "Variable 'version' is a read only variable",
    ],
    [
      () => validateVariable("warning_count", 1, "session"),
      1238,
      "Variable 'warning_count' is a read only variable",
    ],
    [
      () => validateVariable("transaction_isolation", "DIRTY", "session"),
      1231,
      "Variable 'transaction_isolation' can't be set to the value of 'DIRTY'",
    ],
    [
      () => validateVariable("wait_timeout", null, "session"),
      1231,
      "Variable 'wait_timeout' can't be set to the value of 'NULL'",
    ],
    [
      () => validateVariable("character_set_client", "klingon", "session"),
      1115,
      "Unknown character set: 'klingon'",
    ],
    [
      () => validateVariable("collation_connection", "nope_ci", "session"),
      1273,
      "Unknown collation: 'nope_ci'",
    ],
    [
      () => validateVariable("time_zone", "+25:00", "session"),
      1298,
      "Unknown or incorrect time zone: '+25:00'",
    ],
  ];
  for (const [fn, code, message] of cases) {
    const e = errorOf(fn);
    assert.equal(e.code, code, message);
    assert.equal(e.message, message);
  }
});

Deno.test("variables: values are normalised as MySQL stores them", () => {
  assert.equal(validateVariable("autocommit", "off", "session"), 0);
  assert.equal(validateVariable("autocommit", "TRUE", "session"), 1);
  assert.equal(validateVariable("autocommit", 1n, "session"), 1);
  assert.equal(
    validateVariable("transaction_isolation", "read-committed", "session"),
    "READ-COMMITTED",
  );
  assert.equal(validateVariable("transaction_isolation", 3, "session"), "SERIALIZABLE");
  assert.equal(
    validateVariable("sql_mode", "no_zero_date,strict_trans_tables", "session"),
    "STRICT_TRANS_TABLES,NO_ZERO_DATE",
  );
  assert.equal(
    validateVariable("sql_mode", "ANSI", "session"),
    "REAL_AS_FLOAT,PIPES_AS_CONCAT,ANSI_QUOTES,IGNORE_SPACE,ONLY_FULL_GROUP_BY,ANSI",
  );
  assert.equal(validateVariable("sql_mode", "", "session"), "");
  assert.equal(validateVariable("character_set_results", null, "session"), null);
  assert.equal(validateVariable("character_set_client", "utf8", "session"), "utf8mb3");
  assert.equal(validateVariable("time_zone", "+1:00", "session"), "+01:00");
  assert.equal(validateVariable("time_zone", "system", "session"), "SYSTEM");
  assert.equal(validateVariable("default_storage_engine", "innodb", "session"), "InnoDB");
});

Deno.test("variables: integers are clamped and rounded with warning 1292", () => {
  const warnings: VariableWarning[] = [];
  assert.equal(validateVariable("max_connections", 0, "global", { warnings }), 1);
  assert.equal(validateVariable("max_allowed_packet", 1025, "global", { warnings }), 1024);
  assert.equal(validateVariable("wait_timeout", 99999999999, "session", { warnings }), 31536000);
  assert.equal(validateVariable("wait_timeout", 100, "session", { warnings }), 100);
  assert.deepEqual(warnings.map((w) => w.code), [1292, 1292, 1292]);
  assert.equal(warnings[0]!.message, "Truncated incorrect max_connections value: '0'");
  assert.equal(warnings[1]!.message, "Truncated incorrect max_allowed_packet value: '1025'");
});

Deno.test("variables: a session copies globals and resets to them", () => {
  const globals = initialGlobals(new Map([["max_connections", 500]]));
  assert.equal(globals.get("thread_cache_size"), 13);
  assert.equal(initialGlobals().get("thread_cache_size"), 9);
  const vars = new SessionVariables(globals);
  assert.equal(vars.get("wait_timeout"), 28800);
  vars.set("wait_timeout", 5);
  assert.equal(vars.get("wait_timeout"), 5);
  assert.equal(vars.get("wait_timeout", "global"), 28800);
  vars.applyGlobal("wait_timeout", 60);
  assert.equal(vars.get("wait_timeout"), 5, "SET GLOBAL does not change a running session");
  vars.reset();
  assert.equal(vars.get("wait_timeout"), 60);
  assert.equal(vars.get("max_connections"), 500);
  assert.equal(errorOf(() => vars.get("max_connections", "session")).code, 1238);
  assert.equal(errorOf(() => vars.get("timestamp", "global")).code, 1238);
});

Deno.test("variables: aliases and charset/collation pairs stay in step", () => {
  const vars = new SessionVariables(initialGlobals());
  vars.set("tx_isolation", "SERIALIZABLE");
  assert.equal(vars.get("transaction_isolation"), "SERIALIZABLE");
  vars.set("character_set_connection", "latin1");
  assert.equal(vars.get("collation_connection"), "latin1_swedish_ci");
  vars.set("collation_connection", "utf8mb4_bin");
  assert.equal(vars.get("character_set_connection"), "utf8mb4");
  vars.setNames("utf8mb4", "utf8mb4_general_ci");
  assert.equal(vars.get("character_set_results"), "utf8mb4");
  assert.equal(vars.get("collation_connection"), "utf8mb4_general_ci");
  vars.setInternal("warning_count", 3);
  assert.equal(vars.get("warning_count"), 3);
  assert.equal(typeof vars.get("timestamp"), "number");
  const names = vars.list("session").map((e) => e.name);
  assert.deepEqual(names, [...names].sort());
  assert.ok(!vars.list("global").some((e) => e.name === "timestamp"));
});
