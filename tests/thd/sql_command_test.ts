/** Which Com_* counter a statement's first keywords pick (MySQL's enum_sql_command). */

import assert from "node:assert/strict";
import { tokenize } from "../../server/sql/lexer.ts";
import { sqlCommandSlot } from "../../server/sql/sql_command.ts";
import { STATUS_COUNTER_NAMES } from "../../server/thd/status_counters.ts";

function counter(sql: string): string | null {
  const slot = sqlCommandSlot(tokenize(sql));
  return slot < 0 ? null : STATUS_COUNTER_NAMES[slot]!;
}

Deno.test("sql command: statements map to MySQL's Com_* counters", () => {
  const cases: [string, string | null][] = [
    ["SELECT 1", "Com_select"],
    ["(SELECT 1) UNION (SELECT 2)", "Com_select"],
    ["WITH c AS (SELECT 1) SELECT * FROM c", "Com_select"],
    ["INSERT INTO t VALUES (1), (2)", "Com_insert"],
    ["INSERT INTO t SET a = 1", "Com_insert"],
    ["INSERT INTO t SELECT * FROM u", "Com_insert_select"],
    ["REPLACE INTO t VALUES (1)", "Com_replace"],
    ["REPLACE INTO t (a) SELECT a FROM u", "Com_replace_select"],
    ["UPDATE t SET a = 1", "Com_update"],
    ["DELETE FROM t", "Com_delete"],
    ["START TRANSACTION", "Com_begin"],
    ["ROLLBACK TO SAVEPOINT s", "Com_rollback_to_savepoint"],
    ["ROLLBACK WORK TO s", "Com_rollback_to_savepoint"],
    ["ROLLBACK", "Com_rollback"],
    ["CREATE TEMPORARY TABLE t (a INT)", "Com_create_table"],
    ["CREATE UNIQUE INDEX i ON t (a)", "Com_create_index"],
    ["CREATE DATABASE IF NOT EXISTS d", "Com_create_db"],
    ["CREATE OR REPLACE VIEW v AS SELECT 1", "Com_create_view"],
    ["DROP TABLES a, b", "Com_drop_table"],
    ["DROP PREPARE p", "Com_dealloc_sql"],
    ["ALTER IGNORE TABLE t ADD COLUMN b INT", "Com_alter_table"],
    ["RENAME TABLE a TO b", "Com_rename_table"],
    ["SHOW FULL PROCESSLIST", "Com_show_processlist"],
    ["SHOW GLOBAL STATUS LIKE 'x'", "Com_show_status"],
    ["SHOW FULL COLUMNS FROM t", "Com_show_fields"],
    ["SHOW TABLE STATUS", "Com_show_table_status"],
    ["SHOW CREATE TABLE t", "Com_show_create_table"],
    ["SHOW COUNT(*) WARNINGS", "Com_show_warnings"],
    ["DESCRIBE t", "Com_show_fields"],
    ["EXPLAIN SELECT 1", "Com_select"],
    ["EXPLAIN t", "Com_show_fields"],
    ["LOCK TABLES t READ", "Com_lock_tables"],
    ["UNLOCK TABLES", "Com_unlock_tables"],
    ["XA START 'x'", "Com_xa_start"],
    ["REVOKE ALL PRIVILEGES, GRANT OPTION FROM u", "Com_revoke_all"],
    ["KILL QUERY 5", "Com_kill"],
    ["SET NAMES utf8mb4", "Com_set_option"],
    ["USE d", "Com_change_db"],
    ["CREATE TRIGGER x", null],
    ["FROBNICATE", null],
  ];
  for (const [sql, want] of cases) assert.equal(counter(sql), want, sql);
});
