/**
 * The connection phase (MySQL "Connection Phase"): HandshakeV10, HandshakeResponse41, an
 * AuthSwitchRequest when the client's plugin is not one we verify, and the final OK or ERR.
 *
 * Plugins: mysql_native_password (the default), and caching_sha2_password through its fast
 * path only: the account store keeps SHA256(SHA256(password)), so the scramble can always be
 * checked and the server answers AuthMoreData 0x03 ("fast auth success") then OK. Full
 * authentication (0x04, which needs TLS or RSA) is never asked for.
 */

import {
  CLIENT_CONNECT_ATTRS,
  CLIENT_CONNECT_WITH_DB,
  CLIENT_DEPRECATE_EOF,
  CLIENT_FOUND_ROWS,
  CLIENT_IGNORE_SPACE,
  CLIENT_INTERACTIVE,
  CLIENT_LONG_FLAG,
  CLIENT_LONG_PASSWORD,
  CLIENT_MULTI_RESULTS,
  CLIENT_MULTI_STATEMENTS,
  CLIENT_NO_SCHEMA,
  CLIENT_ODBC,
  CLIENT_PLUGIN_AUTH,
  CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA,
  CLIENT_PROTOCOL_41,
  CLIENT_PS_MULTI_RESULTS,
  CLIENT_SECURE_CONNECTION,
  CLIENT_TRANSACTIONS,
  SERVER_STATUS_AUTOCOMMIT,
} from "../../protocol/constants.ts";
import { verifyCachingSha2Fast, verifyNativePassword } from "../../protocol/auth.ts";
import { PacketOutput } from "../../protocol/packet_writer.ts";
import {
  decodeHandshakeResponse41,
  type HandshakeResponse41,
  writeAuthMoreData,
  writeAuthSwitchRequest,
  writeHandshakeV10,
} from "../../protocol/handshake.ts";
import type { ChangeUser } from "../../protocol/commands.ts";
import { ProtocolError } from "../../protocol/protocol_error.ts";
import { ER, MysqlError } from "../errors/mysql_error.ts";
import { logWarning } from "../log/error_log.ts";
import type { SessionIdentity } from "../sql/types.ts";
import { SERVER_VERSION } from "../version.ts";
import type { ProtocolSession } from "./protocol_session.ts";
import type { StoredAccount } from "./session_services.ts";

/** Capabilities the server offers. Not SSL, COMPRESS, SESSION_TRACK nor QUERY_ATTRIBUTES:
 * the server implements none of them. */
export const SERVER_CAPABILITIES = CLIENT_LONG_PASSWORD | CLIENT_FOUND_ROWS | CLIENT_LONG_FLAG |
  CLIENT_CONNECT_WITH_DB | CLIENT_NO_SCHEMA | CLIENT_ODBC | CLIENT_IGNORE_SPACE |
  CLIENT_PROTOCOL_41 | CLIENT_INTERACTIVE | CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION |
  CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS | CLIENT_PS_MULTI_RESULTS | CLIENT_PLUGIN_AUTH |
  CLIENT_CONNECT_ATTRS | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | CLIENT_DEPRECATE_EOF;

const NATIVE_PLUGIN = "mysql_native_password";
const CACHING_SHA2_PLUGIN = "caching_sha2_password";
/** utf8mb4_general_ci: the collation announced in the greeting. */
const DEFAULT_COLLATION = 45;
/** AuthMoreData byte of caching_sha2_password: the fast path succeeded. */
const FAST_AUTH_SUCCESS = new Uint8Array([0x03]);

/** ER_ACCOUNT_HAS_BEEN_LOCKED (MySQL 8.0). */
const ER_ACCOUNT_HAS_BEEN_LOCKED = 3118;

/**
 * The plugin to verify `account` with when the client offers `wanted`: the client's own when
 * the account has that plugin's hash (or no password at all), else the other one.
 */
function pluginFor(account: StoredAccount, wanted: string): string {
  const noPassword = account.nativeHash.length === 0 && account.sha2Hash.length === 0;
  if (wanted === NATIVE_PLUGIN && (noPassword || account.nativeHash.length > 0)) return wanted;
  if (wanted === CACHING_SHA2_PLUGIN && (noPassword || account.sha2Hash.length > 0)) return wanted;
  return account.nativeHash.length > 0 || noPassword ? NATIVE_PLUGIN : CACHING_SHA2_PLUGIN;
}

/** A login to check: from HandshakeResponse41 or COM_CHANGE_USER. */
interface LoginRequest {
  username: string;
  authResponse: Uint8Array;
  database: string | null;
  authPluginName: string | null;
  capabilities: number;
  changeUser: boolean;
}

/**
 * Protocol::HandshakeV10 for connection `connectionId`, framed with sequence id 0. The main
 * thread sends it as soon as it accepted the connection, as mysqld does, so the client reads it
 * while the session thread is still being woken; the worker's Authenticator gets the same
 * scramble with its `open`.
 */
export function greetingPacket(connectionId: number, scramble: Uint8Array): Uint8Array {
  const out = new PacketOutput(128);
  writeHandshakeV10(out, {
    connectionId,
    serverVersion: SERVER_VERSION,
    scramble,
    capabilities: SERVER_CAPABILITIES,
    characterSet: DEFAULT_COLLATION,
    statusFlags: SERVER_STATUS_AUTOCOMMIT,
    authPluginName: NATIVE_PLUGIN,
  });
  return out.take();
}

/**
 * Drives the connection phase, and COM_CHANGE_USER later: both use the scramble of the
 * greeting (which the main thread sent, see `greetingPacket`), so one authenticator lives as
 * long as the session.
 */
export class Authenticator {
  #session: ProtocolSession;
  #scramble: Uint8Array;
  #pending: LoginRequest | null = null;

  constructor(session: ProtocolSession, scramble: Uint8Array) {
    this.#session = session;
    this.#scramble = scramble;
  }

  /** Handle one connection-phase packet; true when the client is logged in. Throws
   * `MysqlError` to refuse the client (the session then sends ERR and closes). */
  onPacket(payload: Uint8Array): boolean {
    const pending = this.#pending;
    if (pending !== null) {
      // The answer to our AuthSwitchRequest: the raw response of the plugin we asked for.
      this.#pending = null;
      const account = this.#session.services.accounts.findAccount(
        pending.username,
        this.#session.peer.host,
      );
      return this.#finish({ ...pending, authResponse: payload }, pending.authPluginName!, account);
    }
    let response: HandshakeResponse41;
    try {
      response = decodeHandshakeResponse41(payload);
    } catch (error) {
      if (error instanceof ProtocolError) {
        throw new MysqlError(ER.ER_HANDSHAKE_ERROR, "Bad handshake");
      }
      throw error;
    }
    const plugin = response.capabilities & CLIENT_PLUGIN_AUTH ? response.authPluginName : null;
    return this.#login({ ...response, authPluginName: plugin, changeUser: false });
  }

  /** COM_CHANGE_USER: check the new user with the greeting's scramble; false when an
   * AuthSwitchRequest went out and the answer is awaited. */
  changeUser(request: ChangeUser): boolean {
    const capabilities = this.#session.capabilities;
    const plugin = capabilities & CLIENT_PLUGIN_AUTH ? request.authPluginName : null;
    return this.#login({ ...request, authPluginName: plugin, capabilities, changeUser: true });
  }

  #login(request: LoginRequest): boolean {
    const account = this.#session.services.accounts.findAccount(
      request.username,
      this.#session.peer.host,
    );
    const wanted = request.authPluginName ?? NATIVE_PLUGIN;
    const plugin = account ? pluginFor(account, wanted) : wanted;
    if (plugin === wanted) return this.#finish(request, plugin, account);
    // The client guessed a plugin we cannot verify for this account (sha256_password,
    // client_ed25519, or caching_sha2 for an account with only a native hash): ask for one
    // we can, with the same scramble, as MySQL's AuthSwitchRequest does.
    this.#pending = { ...request, authPluginName: plugin };
    writeAuthSwitchRequest(this.#session.out, plugin, this.#scramble);
    return false;
  }

  #finish(request: LoginRequest, plugin: string, account: StoredAccount | null): boolean {
    const session = this.#session;
    const host = session.peer.host;
    const authData = request.authResponse;
    if (!account || !this.#verify(account, plugin, authData)) {
      const message = `Access denied for user '${request.username}'@'${host}' (using password: ${
        authData.length > 0 ? "YES" : "NO"
      })`;
      logWarning(message, session.connectionId);
      throw new MysqlError(ER.ER_ACCESS_DENIED_ERROR, message);
    }
    if (account.locked) {
      throw new MysqlError(
        ER_ACCOUNT_HAS_BEEN_LOCKED,
        `Access denied for user '${request.username}'@'${host}'. Account is locked.`,
      );
    }
    if (plugin === CACHING_SHA2_PLUGIN && authData.length > 0) {
      writeAuthMoreData(session.out, FAST_AUTH_SUCCESS);
    }
    const identity: SessionIdentity = {
      connectionId: session.connectionId,
      user: request.username,
      host,
      accountHost: account.host,
      db: null,
      interactive: (request.capabilities & CLIENT_INTERACTIVE) !== 0,
    };
    session.loggedIn(identity, request.capabilities & SERVER_CAPABILITIES, request.changeUser);
    if (request.database) {
      // Unknown database: ER_BAD_DB_ERROR from the engine; the session sends it and closes.
      session.sql!.useDatabase(request.database);
    }
    if (!request.changeUser) {
      session.multiStatements = (request.capabilities & CLIENT_MULTI_STATEMENTS) !== 0;
    }
    session.writeOk();
    return true;
  }

  #verify(account: StoredAccount, plugin: string, authData: Uint8Array): boolean {
    if (plugin === CACHING_SHA2_PLUGIN) {
      return verifyCachingSha2Fast(this.#scramble, authData, account.sha2Hash);
    }
    return verifyNativePassword(this.#scramble, authData, account.nativeHash);
  }
}
