/**
 * HandlerSocket as a plugin, as MariaDB ships it: loaded by `plugin_load_add=handlersocket.so`
 * in the option file or on the command line, or by INSTALL PLUGIN at run time, which is
 * remembered across restarts (MySQL keeps it in mysql.plugin; here in the store's
 * `_mydeno_plugin` table) until UNINSTALL PLUGIN. The plugin is built in: its library name is
 * only checked, never opened.
 */

import type { DatabaseSync } from "node:sqlite";
import { ER, MysqlError } from "../errors/mysql_error.ts";
import { openStoreConnection } from "../store/store.ts";

/** The one plugin library mydeno knows, and the plugin in it. */
export const HS_LIBRARY = "handlersocket.so";
export const HS_PLUGIN = "handlersocket";

/** Where MySQL would look for plugin libraries (for its error messages). */
const PLUGIN_DIR = "/usr/lib/mysql/plugin/";

const PLUGIN_TABLE = "_mydeno_plugin";

/** A row of SHOW PLUGINS: Name, Status, Type, Library, License. */
export type PluginRow = [string, string, string, string | null, string];

function withStore<T>(storePath: string, work: (db: DatabaseSync) => T): T {
  const db = openStoreConnection(storePath);
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS ${PLUGIN_TABLE} (name TEXT PRIMARY KEY, dl TEXT NOT NULL)`);
    return work(db);
  } finally {
    db.close();
  }
}

/** True when INSTALL PLUGIN handlersocket was run and not undone. */
export function hsInstalled(storePath: string): boolean {
  return withStore(
    storePath,
    (db) => db.prepare(`SELECT 1 FROM ${PLUGIN_TABLE} WHERE name = ?`).get(HS_PLUGIN) !== undefined,
  );
}

/** True when `plugin_load` / `plugin_load_add` name handlersocket.so (`name=lib;lib` lists). */
export function hsInPluginLoad(lists: readonly string[]): boolean {
  return lists.some((list) =>
    list.split(";").some((item) => {
      const lib = item.includes("=") ? item.slice(item.indexOf("=") + 1) : item;
      return lib.trim() === HS_LIBRARY || lib.trim() === "handlersocket";
    })
  );
}

/** Check INSTALL PLUGIN `name` SONAME `library` (MySQL's errors) and remember it. */
export function recordInstall(storePath: string, name: string, library: string): void {
  if (library !== HS_LIBRARY) {
    throw new MysqlError(
      ER.ER_CANT_OPEN_LIBRARY,
      `Can't open shared library '${PLUGIN_DIR}${library}' (errno: 2, cannot open shared object file: No such file or directory)`,
    );
  }
  if (name.toLowerCase() !== HS_PLUGIN) {
    throw new MysqlError(ER.ER_CANT_FIND_DL_ENTRY, `Can't find symbol '${name}' in library`);
  }
  withStore(storePath, (db) => {
    db.prepare(`INSERT OR IGNORE INTO ${PLUGIN_TABLE} (name, dl) VALUES (?, ?)`).run(
      HS_PLUGIN,
      library,
    );
  });
}

/** Forget an INSTALL PLUGIN; false when it was not recorded. */
export function recordUninstall(storePath: string): boolean {
  return withStore(
    storePath,
    (db) =>
      Number(db.prepare(`DELETE FROM ${PLUGIN_TABLE} WHERE name = ?`).run(HS_PLUGIN).changes) > 0,
  );
}

/** `Function 'x' already exists` (MySQL's answer to installing an installed plugin). */
export function alreadyInstalled(name: string): MysqlError {
  return new MysqlError(ER.ER_UDF_EXISTS, `Function '${name}' already exists`);
}

/** `PLUGIN x does not exist`. */
export function notInstalled(name: string): MysqlError {
  return new MysqlError(ER.ER_SP_DOES_NOT_EXIST, `PLUGIN ${name} does not exist`);
}
