/**
 * The SQLite file that holds every MySQL database: opening it with the durability settings the
 * server promises (WAL, synchronous=FULL) and creating the catalog tables the engine keeps
 * MySQL's view of each table in.
 */

import { DatabaseSync, type StatementSync } from "node:sqlite";
import { createInformationSchemaViews } from "./information_schema_views.ts";

/** Catalog table of databases (MySQL schemata). */
export const SCHEMATA_TABLE = "_mydeno_schemata";
/** Catalog table of MySQL table definitions, one JSON document per table. */
export const TABLES_TABLE = "_mydeno_tables";

/** How long one SQLite busy wait lasts before the engine checks the session and retries. */
export const BUSY_SLICE_MS = 25;

/** Open a connection to the store file with the server's pragmas. */
export function openStoreConnection(path: string): DatabaseSync {
  const db = new DatabaseSync(path, { timeout: BUSY_SLICE_MS });
  db.exec("PRAGMA journal_mode=WAL");
  // Every acknowledged commit must survive kill -9 and power loss.
  db.exec("PRAGMA synchronous=FULL");
  db.exec("PRAGMA foreign_keys=OFF");
  db.exec("PRAGMA temp_store=MEMORY");
  return db;
}

/** Create the store file and its catalog tables if missing; safe to call again. */
export function initializeStore(path: string): void {
  const db = openStoreConnection(path);
  try {
    db.exec("BEGIN IMMEDIATE");
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${SCHEMATA_TABLE} (name TEXT PRIMARY KEY, charset TEXT NOT NULL,` +
        ` collation TEXT NOT NULL)`,
    );
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${TABLES_TABLE} (db TEXT NOT NULL, name TEXT NOT NULL,` +
        ` def TEXT NOT NULL, PRIMARY KEY (db, name))`,
    );
    db.exec(
      `INSERT OR IGNORE INTO ${SCHEMATA_TABLE} VALUES ('mysql', 'utf8mb4', 'utf8mb4_0900_ai_ci')`,
    );
    createInformationSchemaViews(db);
    db.exec("COMMIT");
  } catch (e) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw e;
  } finally {
    db.close();
  }
}

/** Make a statement return rows as arrays (node:sqlite has it; its type declarations lag). */
export function returnArrays(stmt: StatementSync): void {
  (stmt as unknown as { setReturnArrays(on: boolean): void }).setReturnArrays(true);
}
