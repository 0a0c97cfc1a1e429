/**
 * What a session worker needs from the rest of the server, as narrow interfaces: the SQL
 * engine (server/sql) and the account store (server/auth). The worker opens them once and
 * keeps them across the sessions it serves.
 */

import type { ServerLink, SessionIdentity, SqlSession } from "../sql/types.ts";
import type { StatusCounters } from "../thd/status_counters.ts";

/** The SQL engine as a session worker uses it. */
export interface SessionEngine {
  /** A new engine session for an authenticated client; its waits watch `control` (the KILL
   * and ALIVE slots of `session_messages.ts`); its statements count in `status` (Com_*). */
  openSession(
    identity: SessionIdentity,
    link: ServerLink,
    control: Int32Array,
    status?: StatusCounters,
  ): SqlSession;
}

/** An account's stored credentials, as authentication needs them. */
export interface StoredAccount {
  /** User name. */
  user: string;
  /** Host pattern of the account (CURRENT_USER()'s host part). */
  host: string;
  /** mysql_native_password hash SHA1(SHA1(password)); empty for no password. */
  nativeHash: Uint8Array;
  /** caching_sha2_password fast-path hash SHA256(SHA256(password)); empty for no password. */
  sha2Hash: Uint8Array;
  /** ACCOUNT LOCK: logins are refused. */
  locked: boolean;
}

/** Finds the account a client authenticates as. */
export interface AccountLookup {
  /** The account `user`@`host` logs in as (best host match), or null. */
  findAccount(user: string, host: string): StoredAccount | null;
}

/** The services of one worker. */
export interface SessionServices {
  engine: SessionEngine;
  accounts: AccountLookup;
}
