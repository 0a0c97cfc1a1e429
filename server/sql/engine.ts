/**
 * The SQL engine's entry point: one `Engine` per worker over the store file, opening sessions
 * that each run on their own SQLite connection (an idle connection is kept for the next session
 * of the worker, so its registered functions and plans are reused).
 */

import { Catalog } from "../store/catalog.ts";
import { initializeStore as initStore } from "../store/store.ts";
import { StoreConnection } from "./store_connection.ts";
import { type EngineCore, Session } from "./session.ts";
import { LockTable } from "../locks/lock_table.ts";
import type { ServerLink, SessionIdentity, SqlSession } from "./types.ts";

/** Options of `openEngine`. */
export interface EngineOptions {
  /** The SQLite file. */
  path: string;
  /** Shared across workers (SharedArrayBuffer); bumped on DDL / GRANT so caches reload. */
  catalogEpoch?: Int32Array;
  /** VERSION() and @@version. */
  serverVersion: string;
  /** The server's lock table buffer (`createLockTableBuffer`), shared by all workers. */
  lockTable?: SharedArrayBuffer;
}

/** An engine: opens sessions. */
export interface Engine {
  openSession(
    identity: SessionIdentity,
    link: ServerLink,
    globals: () => ReadonlyMap<string, string | number>,
  ): SqlSession;
  /** Close the engine's idle connection; sessions close their own. Safe to call twice. */
  close(): void;
}

/** Create the store file (WAL, synchronous=FULL) and the catalog tables if missing; idempotent. */
export function initializeStore(path: string): void {
  initStore(path);
}

class EngineImpl implements Engine, EngineCore {
  readonly catalog: Catalog;
  readonly serverVersion: string;
  readonly lockTable: LockTable | null;
  #path: string;
  #idle: StoreConnection | null = null;
  #closed = false;

  constructor(options: EngineOptions) {
    this.#path = options.path;
    this.serverVersion = options.serverVersion;
    this.lockTable = options.lockTable ? new LockTable(options.lockTable) : null;
    this.catalog = new Catalog(options.catalogEpoch);
    this.#idle = new StoreConnection(this.#path);
    this.catalog.refresh(this.#idle.db);
  }

  openSession(
    identity: SessionIdentity,
    link: ServerLink,
    globals: () => ReadonlyMap<string, string | number>,
  ): SqlSession {
    if (this.#closed) throw new Error("Cannot open a session: the engine is closed");
    const conn = this.#idle ?? new StoreConnection(this.#path);
    this.#idle = null;
    return new Session(this, conn, identity, link, globals);
  }

  releaseConnection(conn: StoreConnection): void {
    if (!this.#closed && this.#idle === null) {
      this.#idle = conn;
      return;
    }
    conn.close();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#idle?.close();
    this.#idle = null;
  }
}

/** Open the engine of one worker. */
export function openEngine(options: EngineOptions): Engine {
  return new EngineImpl(options);
}
