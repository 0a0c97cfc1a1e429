/**
 * INSTALL PLUGIN name SONAME 'library', INSTALL SONAME 'library' (MariaDB), UNINSTALL PLUGIN
 * name and UNINSTALL SONAME 'library'. Plugins live on the main thread, which checks the
 * library and name, remembers the install across restarts and starts or stops the plugin;
 * MySQL asks for the INSERT / DELETE privilege on mysql.plugin, here the global one.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import type { TokenCursor } from "./token_cursor.ts";
import type { Outcome, Session } from "./session.ts";
import { ok } from "./statement_dispatch.ts";
import { checkGlobalPrivilege } from "./privilege_checks.ts";

/** The plugin a library holds (INSTALL SONAME names only the library). */
function pluginOf(library: string): string {
  return library.replace(/\.so$/, "");
}

function libraryText(c: TokenCursor): string {
  const v = c.literal();
  if (typeof v !== "string") throw c.error();
  return v;
}

/** INSTALL ... / UNINSTALL ... */
export function pluginStatement(s: Session, c: TokenCursor): Outcome {
  const install = c.next().upper === "INSTALL";
  let name: string;
  let library = "";
  if (c.acceptWord("SONAME")) {
    library = libraryText(c);
    name = pluginOf(library);
  } else {
    c.expectWord("PLUGIN");
    name = c.name();
    if (install) {
      c.expectWord("SONAME");
      library = libraryText(c);
    }
  }
  c.expectEnd();
  checkGlobalPrivilege(s, install ? "INSERT" : "DELETE");
  const link = s.link;
  if (!link.plugins) {
    throw new MysqlError(
      ER.ER_NOT_SUPPORTED_YET,
      "This version of MySQL doesn't yet support 'plugins'",
    );
  }
  s.implicitCommit();
  return link.plugins(install ? "install" : "uninstall", name, library).then(() => ok(s));
}
