/**
 * The catalog: which databases exist and MySQL's definition of every table, read from the
 * store's catalog tables and cached per engine. A shared epoch counter (bumped by whoever
 * changes the catalog, in any worker) tells every cache when to reload.
 */

import type { DatabaseSync } from "node:sqlite";
import { SCHEMATA_TABLE, TABLES_TABLE } from "./store.ts";
import type { TableDef } from "./table_def.ts";
import { catalogJson } from "./column_info.ts";

/** One database (schema). */
export interface SchemaDef {
  name: string;
  charset: string;
  collation: string;
}

/** The epoch shared by engines in this isolate when the caller gives none. */
const LOCAL_EPOCH = new Int32Array(new SharedArrayBuffer(4));

/** Cached view of the catalog tables. */
export class Catalog {
  #epoch: Int32Array;
  #seen = -1;
  #schemas = new Map<string, SchemaDef>();
  #tables = new Map<string, Map<string, TableDef>>();

  constructor(epoch?: Int32Array) {
    this.#epoch = epoch ?? LOCAL_EPOCH;
  }

  /** The epoch counter value; changes whenever any worker changes the catalog. */
  get epoch(): number {
    return Atomics.load(this.#epoch, 0);
  }

  /** Reload from `db` when the epoch moved; true when it reloaded. */
  refresh(db: DatabaseSync): boolean {
    const now = Atomics.load(this.#epoch, 0);
    if (now === this.#seen) return false;
    this.#load(db);
    this.#seen = now;
    return true;
  }

  /** Tell every engine (this one included) that the catalog changed. */
  bump(): void {
    Atomics.add(this.#epoch, 0, 1);
  }

  #load(db: DatabaseSync): void {
    this.#schemas.clear();
    this.#tables.clear();
    const schemas = db.prepare(`SELECT name, charset, collation FROM ${SCHEMATA_TABLE}`).all();
    for (const r of schemas) {
      const s = {
        name: String(r.name),
        charset: String(r.charset),
        collation: String(r.collation),
      };
      this.#schemas.set(s.name, s);
      this.#tables.set(s.name, new Map());
    }
    for (const r of db.prepare(`SELECT db, name, def FROM ${TABLES_TABLE}`).all()) {
      const def = JSON.parse(String(r.def)) as TableDef;
      for (const c of def.columns) delete (c as { info?: unknown }).info;
      this.#tables.get(String(r.db))?.set(String(r.name), def);
    }
  }

  /** Database names, sorted. */
  schemaNames(): string[] {
    return [...this.#schemas.keys()].sort();
  }

  /** The database called `name`, or undefined. */
  schema(name: string): SchemaDef | undefined {
    return this.#schemas.get(name);
  }

  /** The table `db`.`name`, or undefined. */
  table(db: string, name: string): TableDef | undefined {
    return this.#tables.get(db)?.get(name);
  }

  /** Tables of a database, sorted by name. */
  tables(db: string): TableDef[] {
    const m = this.#tables.get(db);
    if (!m) return [];
    return [...m.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Write a table definition (inside the caller's write transaction). */
  saveTable(db: DatabaseSync, def: TableDef): void {
    db.prepare(`INSERT OR REPLACE INTO ${TABLES_TABLE} (db, name, def) VALUES (?, ?, ?)`)
      .run(def.db, def.name, catalogJson(def));
    this.#tables.get(def.db)?.set(def.name, def);
  }

  /** Remove a table definition (inside the caller's write transaction). */
  deleteTable(db: DatabaseSync, schema: string, name: string): void {
    db.prepare(`DELETE FROM ${TABLES_TABLE} WHERE db = ? AND name = ?`).run(schema, name);
    this.#tables.get(schema)?.delete(name);
  }

  /** Write a database (inside the caller's write transaction). */
  saveSchema(db: DatabaseSync, s: SchemaDef): void {
    db.prepare(`INSERT OR REPLACE INTO ${SCHEMATA_TABLE} (name, charset, collation) VALUES (?,?,?)`)
      .run(s.name, s.charset, s.collation);
    this.#schemas.set(s.name, s);
    if (!this.#tables.has(s.name)) this.#tables.set(s.name, new Map());
  }

  /** Remove a database and its table definitions (inside the caller's write transaction). */
  deleteSchema(db: DatabaseSync, name: string): void {
    db.prepare(`DELETE FROM ${SCHEMATA_TABLE} WHERE name = ?`).run(name);
    db.prepare(`DELETE FROM ${TABLES_TABLE} WHERE db = ?`).run(name);
    this.#schemas.delete(name);
    this.#tables.delete(name);
  }
}
