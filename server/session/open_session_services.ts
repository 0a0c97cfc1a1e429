/**
 * Open what a session worker needs from the rest of the server: the SQL engine over the store
 * in the datadir and the account store. Done once per worker; both are kept across sessions.
 */

import type { DatabaseSync } from "node:sqlite";
import { AccountStore } from "../auth/account_store.ts";
import { storePathOf } from "../datadir.ts";
import { openEngine } from "../sql/engine.ts";
import type { ServerLink, SessionIdentity, SqlSession } from "../sql/types.ts";
import { openStoreConnection } from "../store/store.ts";
import { SessionSignals } from "./session_signals.ts";
import type { StatusCounters } from "../thd/status_counters.ts";
import { SERVER_VERSION } from "../version.ts";
import type { AccountLookup, SessionServices, StoredAccount } from "./session_services.ts";

/** The services of one worker, with the means to close them. */
export interface OpenedServices extends SessionServices {
  /** Close the engine and the account store. Safe to call twice. */
  close(): void;
}

/** Options of `openSessionServices`. */
export interface OpenSessionServicesOptions {
  datadir: string;
  /** Catalog epoch shared by every worker (SharedArrayBuffer of Int32 slots). */
  catalogEpoch: SharedArrayBuffer;
  /** The server's lock table, shared by every worker. */
  lockTable: SharedArrayBuffer;
  /** The global variables as this worker knows them now. */
  globals: () => ReadonlyMap<string, string | number>;
}

const EMPTY = new Uint8Array(0);

/** Account lookups on the worker's own store connection. */
class StoreAccountLookup implements AccountLookup {
  #db: DatabaseSync;
  #accounts: AccountStore;

  constructor(path: string) {
    this.#db = openStoreConnection(path);
    this.#accounts = new AccountStore(this.#db);
  }

  findAccount(user: string, host: string): StoredAccount | null {
    const match = this.#accounts.findAccount(user, host);
    if (!match) return null;
    return {
      user: match.user,
      host: match.host,
      nativeHash: match.nativeHash ?? EMPTY,
      sha2Hash: match.sha2Hash ?? EMPTY,
      locked: match.locked,
    };
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}

/**
 * Make the session's waits (SLEEP, lock waits, long statements) end on KILL and on a client
 * that is gone. Its statements count in the connection's `status`.
 */
function attachSignals(
  session: SqlSession,
  control: Int32Array,
  status: StatusCounters | undefined,
): void {
  session.attachSignals(new SessionSignals(control));
  const target = session as SqlSession & { status?: StatusCounters | null };
  if (status && "status" in target) target.status = status;
}

/** Open the engine and account store of `datadir`. */
export function openSessionServices(options: OpenSessionServicesOptions): OpenedServices {
  const path = storePathOf(options.datadir);
  const engine = openEngine({
    path,
    serverVersion: SERVER_VERSION,
    catalogEpoch: new Int32Array(options.catalogEpoch),
    lockTable: options.lockTable,
  });
  let accounts: StoreAccountLookup;
  try {
    accounts = new StoreAccountLookup(path);
  } catch (error) {
    engine.close();
    throw error;
  }
  return {
    accounts,
    engine: {
      openSession(
        identity: SessionIdentity,
        link: ServerLink,
        control: Int32Array,
        status?: StatusCounters,
      ): SqlSession {
        const session = engine.openSession(identity, link, options.globals);
        attachSignals(session, control, status);
        return session;
      },
    },
    close() {
      accounts.close();
      engine.close();
    },
  };
}
