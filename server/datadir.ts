/**
 * The data directory: where the store file lives, and its bootstrap on first start
 * (MySQL's `--initialize` / `--initialize-insecure`, done implicitly when the datadir is empty).
 */

import { bootstrapAccounts } from "./auth/account_store.ts";
import { initializeStore } from "./sql/engine.ts";
import { openStoreConnection } from "./store/store.ts";

/** The SQLite file holding every database of `datadir`. */
export function storePathOf(datadir: string): string {
  return `${datadir.replace(/\/$/, "")}/mydeno.sqlite`;
}

/** How to create root@localhost on first start. */
export type RootPasswordMode = "empty" | "random";

/** What `bootstrapDatadir` did. */
export interface BootstrapResult {
  /** True when root@localhost was created now. */
  rootCreated: boolean;
  /** The generated root password ("random" mode and root created), else null. */
  rootPassword: string | null;
}

/** Characters of a generated password: MySQL mixes letters, digits and punctuation. */
const PASSWORD_CHARS =
  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,.;:!#%&()*+-=<>?";

function randomPassword(length = 12): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let text = "";
  for (const b of bytes) text += PASSWORD_CHARS[b % PASSWORD_CHARS.length];
  return text;
}

/** True when `datadir` is missing or empty (`--initialize` refuses a non-empty one). */
export function isDatadirEmpty(datadir: string): boolean {
  try {
    for (const _ of Deno.readDirSync(datadir)) return false;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
    throw error;
  }
  return true;
}

/** Create the datadir, the store and root@localhost when missing. Safe on every start. */
export function bootstrapDatadir(datadir: string, mode: RootPasswordMode): BootstrapResult {
  Deno.mkdirSync(datadir, { recursive: true });
  const path = storePathOf(datadir);
  initializeStore(path);
  const db = openStoreConnection(path);
  try {
    const password = mode === "random" ? randomPassword() : "";
    const rootCreated = bootstrapAccounts(db, { rootPassword: password });
    return { rootCreated, rootPassword: rootCreated && mode === "random" ? password : null };
  } finally {
    db.close();
  }
}

/**
 * Shutdown step: fold the WAL into the main store file and truncate it, so a stopped server
 * leaves one self-contained file (every commit was already durable in the WAL).
 */
export function checkpointDatadir(datadir: string): void {
  const db = openStoreConnection(storePathOf(datadir));
  try {
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
  }
}
