/**
 * One client session inside a worker: the connection phase (handshake, authentication), then
 * the command phase, where each command packet goes through one dispatch table from command
 * byte to handler (`command_table.ts`). The session knows bytes and the engine knows SQL: the
 * handlers translate between the two.
 *
 * Replies are appended to one `PacketOutput` and sent to the main thread as one `write`
 * message per command, already framed, so the socket sees one write per command.
 */

import {
  CLIENT_FOUND_ROWS,
  SERVER_STATUS_AUTOCOMMIT,
  SERVER_STATUS_IN_TRANS,
} from "../../protocol/constants.ts";
import { writeErr, writeOk } from "../../protocol/generic_response.ts";
import { PacketOutput } from "../../protocol/packet_writer.ts";
import { ProtocolError } from "../../protocol/protocol_error.ts";
import { ER, MysqlError } from "../errors/mysql_error.ts";
import { logWarning } from "../log/error_log.ts";
import type { OkResult, SessionIdentity, SqlSession } from "../sql/types.ts";
import type { PeerAddress } from "../vio/peer_address.ts";
import type { ChangeUser } from "../../protocol/commands.ts";
import { Authenticator } from "./authenticator.ts";
import { comUnknown } from "./admin_commands.ts";
import { COMMAND_TABLE } from "./command_table.ts";
import { PreparedStatementRegistry } from "./prepared_statement_registry.ts";
import {
  ControlSlot,
  type FromWorker,
  type GlobalVariables,
  KillState,
  type NetVariables,
} from "./session_messages.ts";
import type { SessionServices } from "./session_services.ts";
import type { RpcReply } from "./worker_channel.ts";
import { WorkerServerLink } from "./worker_server_link.ts";
import { serverShutdownError } from "./session_signals.ts";
import { countCommand } from "./command_counters.ts";
import { StatusCounters } from "../thd/status_counters.ts";

/** ER_MALFORMED_PACKET: a command payload the decoder rejected. */
const ER_MALFORMED_PACKET = 1835;
/** ER_UNKNOWN_ERROR: anything that is not a `MysqlError`. */
const ER_UNKNOWN_ERROR = 1105;

/** What a session is given when its worker opens it. */
export interface ProtocolSessionOptions {
  connectionId: number;
  peer: PeerAddress;
  globals: GlobalVariables;
  startedAt: number;
  /** Shared control array (KILL flag). */
  control: Int32Array;
  /** The scramble of the greeting the main thread sent. */
  scramble: Uint8Array;
  /** The session's status counters (shared with the main thread). */
  status?: StatusCounters;
  services: SessionServices;
  /** Send a message to the main thread. */
  post: (message: FromWorker) => void;
  /** Wait for the main thread's answer to the ServerLink call `id`. */
  rpcReply: (id: number) => Promise<RpcReply>;
}

/** The protocol side of one client session. */
export class ProtocolSession {
  readonly connectionId: number;
  readonly peer: PeerAddress;
  readonly globals: GlobalVariables;
  readonly startedAt: number;
  readonly control: Int32Array;
  /** Questions, Queries, Com_* of this session. */
  readonly status: StatusCounters;
  readonly services: SessionServices;
  readonly link: WorkerServerLink;
  /** Replies of the current command. */
  readonly out = new PacketOutput(1024);
  readonly statements: PreparedStatementRegistry;
  /** Capabilities both sides share (after the handshake). */
  capabilities = 0;
  /** CLIENT_MULTI_STATEMENTS, switched by COM_SET_OPTION. */
  multiStatements = false;
  /** The engine session (after authentication). */
  sql: SqlSession | null = null;
  /** Set by a command that may have SET a variable: the main thread's copy is checked after it. */
  variablesMayHaveChanged = false;

  #post: (message: FromWorker) => void;
  readonly #authenticator: Authenticator;
  /** True in the connection phase, and while COM_CHANGE_USER waits for an auth switch. */
  #authenticating = true;
  #running: Promise<void> | null = null;
  #closed = false;
  #reportedDb: string | null = null;
  /** Network variables as the main thread last heard them. */
  #net: NetVariables = {
    waitTimeout: 0,
    netReadTimeout: 0,
    netWriteTimeout: 0,
    maxAllowedPacket: 0,
  };
  /** Sequence id of the reply to the current command. */
  #replySeq = 1;

  constructor(options: ProtocolSessionOptions) {
    this.connectionId = options.connectionId;
    this.statements = new PreparedStatementRegistry(`connection ${options.connectionId}`);
    this.peer = options.peer;
    this.globals = options.globals;
    this.startedAt = options.startedAt;
    this.control = options.control;
    this.status = options.status ?? new StatusCounters();
    this.services = options.services;
    this.#post = options.post;
    this.link = new WorkerServerLink(this.#post, options.rpcReply);
    this.#authenticator = new Authenticator(this, options.scramble);
  }

  /** A packet from the client. The worker hands packets over one at a time, in order, and
   * awaits each before the next. */
  receive(seq: number, payload: Uint8Array): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#replySeq = (seq + 1) & 0xff;
    this.out.sequenceId = this.#replySeq;
    if (this.#authenticating) {
      this.#authenticate(() => this.#authenticator.onPacket(payload));
      return Promise.resolve();
    }
    const running = this.#command(payload);
    this.#running = running;
    return running;
  }

  /** Run one authentication step; a refused login gets ERR and the connection closes. */
  #authenticate(step: () => boolean): void {
    try {
      this.#authenticating = !step();
      // The handshake's database is chosen after login: the process list shows it at once.
      if (!this.#authenticating) this.#reportDb();
      this.flush(!this.#authenticating);
    } catch (error) {
      this.writeError(error);
      this.flush(true);
      this.close();
    }
  }

  /** COM_CHANGE_USER: authenticate again; MySQL drops the connection when that fails. */
  changeUser(request: ChangeUser): void {
    this.#authenticate(() => this.#authenticator.changeUser(request));
  }

  /** Authentication succeeded: open (or, for COM_CHANGE_USER, reset) the engine session. */
  loggedIn(identity: SessionIdentity, capabilities: number, changeUser: boolean): void {
    this.capabilities = capabilities;
    if (changeUser && this.sql) {
      this.statements.closeAll();
      this.sql.reset(identity);
    } else {
      this.sql = this.services.engine.openSession(identity, this.link, this.control, this.status);
    }
    this.#reportedDb = identity.db;
    this.#post({
      t: "authenticated",
      user: identity.user,
      db: identity.db,
      maxAllowedPacket: this.maxAllowedPacket(),
    });
    this.applyInteractiveTimeout();
    this.#reportNet();
  }

  /**
   * A CLIENT_INTERACTIVE client idles for interactive_timeout: MySQL copies it into the
   * session's wait_timeout at login (sql/auth/sql_authentication.cc), so @@wait_timeout shows
   * it and a later SET wait_timeout still applies. Also after COM_RESET_CONNECTION.
   */
  applyInteractiveTimeout(): void {
    const sql = this.sql;
    if (!sql || !sql.identity.interactive) return;
    const interactive = Number(sql.getVariable("interactive_timeout"));
    if (!(interactive > 0) || interactive === Number(sql.getVariable("wait_timeout"))) return;
    // The statement runs synchronously (a SET reads no table); its result is not sent.
    sql.execute(`SET SESSION wait_timeout = ${Math.trunc(interactive)}`).catch((error) =>
      logWarning(`Cannot apply interactive_timeout: ${error}`, this.connectionId)
    );
  }

  /** Tell the main thread the session's network variables when they changed. */
  #reportNet(): void {
    const sql = this.sql;
    if (!sql) return;
    const net = this.#net;
    const waitTimeout = Number(sql.getVariable("wait_timeout") ?? 28800);
    const netReadTimeout = Number(sql.getVariable("net_read_timeout") ?? 30);
    const netWriteTimeout = Number(sql.getVariable("net_write_timeout") ?? 60);
    const maxAllowedPacket = this.maxAllowedPacket();
    if (
      waitTimeout === net.waitTimeout && netReadTimeout === net.netReadTimeout &&
      netWriteTimeout === net.netWriteTimeout && maxAllowedPacket === net.maxAllowedPacket
    ) {
      return;
    }
    this.#net = { waitTimeout, netReadTimeout, netWriteTimeout, maxAllowedPacket };
    this.#post({ t: "net", vars: this.#net });
  }

  /** The session's max_allowed_packet. */
  maxAllowedPacket(): number {
    const value = this.sql?.getVariable("max_allowed_packet") ??
      this.globals.get("max_allowed_packet");
    return Number(value ?? 67108864);
  }

  async #command(payload: Uint8Array): Promise<void> {
    // MySQL clears a KILL QUERY that arrived while the session was idle at the next command.
    if (Atomics.load(this.control, ControlSlot.KILL) === KillState.KILL_QUERY) {
      Atomics.store(this.control, ControlSlot.KILL, KillState.NOT_KILLED);
    }
    if (this.connectionKilled()) {
      this.#endKilled();
      return;
    }
    countCommand(this.status, payload[0] ?? -1);
    const handler = COMMAND_TABLE[payload[0] ?? -1] ?? comUnknown;
    try {
      await handler(this, payload);
    } catch (error) {
      this.writeError(error);
    }
    // KILL CONNECTION during the command (also the session's own KILL CONNECTION_ID()).
    if (this.connectionKilled()) {
      this.#endKilled();
      return;
    }
    this.#reportDb();
    // Reading the variables costs about 2 µs: only after a command that may have SET one.
    if (this.variablesMayHaveChanged) {
      this.variablesMayHaveChanged = false;
      this.#reportNet();
    }
    if (!this.#closed && !this.#authenticating) this.flush(true);
  }

  /** True once KILL CONNECTION or shutdown hit this session, or its client is gone. */
  connectionKilled(): boolean {
    return Atomics.load(this.control, ControlSlot.KILL) >= KillState.KILL_CONNECTION ||
      Atomics.load(this.control, ControlSlot.ALIVE) === 0;
  }

  /** Throw what a statement gets between steps when it was killed: 1927 for KILL CONNECTION
   * or a client that is gone, 1053 for shutdown, 1317 for KILL QUERY. */
  checkKilled(): void {
    if (this.connectionKilled()) throw this.#killError();
    if (Atomics.load(this.control, ControlSlot.KILL) === KillState.KILL_QUERY) {
      throw new MysqlError(ER.ER_QUERY_INTERRUPTED, "Query execution was interrupted");
    }
  }

  /** The command's reply becomes ERR 1927 (MariaDB's ER_CONNECTION_KILLED, SQLSTATE 70100),
   * then the connection closes. Nothing reaches a client that is gone. */
  #endKilled(): void {
    this.out.abortPacket();
    this.out.truncate(0);
    this.out.sequenceId = this.#replySeq;
    this.writeError(this.#killError());
    this.flush(true);
    this.close();
  }

  /** Shutdown reached the session between commands (a command in flight already ended, with
   * ERR 1053 when it saw the kill): an unsolicited ERR 1053 (sequence id 0), then close. */
  endByShutdown(): void {
    if (this.#closed) return;
    this.out.truncate(0);
    this.out.sequenceId = 0;
    this.writeError(serverShutdownError());
    this.flush(false);
    this.close();
  }

  /** 1053 when shutdown killed the session (MySQL's THD::send_kill_message), else 1927. */
  #killError(): MysqlError {
    return Atomics.load(this.control, ControlSlot.KILL) === KillState.KILL_SERVER
      ? serverShutdownError()
      : new MysqlError(ER.ER_CONNECTION_KILLED, "Connection was killed");
  }

  #reportDb(): void {
    const db = this.sql?.currentDb ?? null;
    if (db !== this.#reportedDb) {
      this.#reportedDb = db;
      this.#post({ t: "db", db });
    }
  }

  /** SERVER_STATUS_* flags of the session now. */
  statusFlags(): number {
    const sql = this.sql;
    if (!sql) return SERVER_STATUS_AUTOCOMMIT;
    return (sql.autocommit ? SERVER_STATUS_AUTOCOMMIT : 0) |
      (sql.inTransaction ? SERVER_STATUS_IN_TRANS : 0);
  }

  /** Append an OK packet (for a statement result when given). */
  writeOk(result?: OkResult, extraFlags = 0): void {
    const options: Parameters<typeof writeOk>[1] = {
      statusFlags: this.statusFlags() | extraFlags,
      // MySQL's net_send_ok writes the info as string<lenenc> (net_store_data) with or without
      // CLIENT_SESSION_TRACK, and libmariadb reads it so; the codec does that only in its
      // session-track mode, which sends no state changes, so the bytes are MySQL's.
      sessionTrack: true,
    };
    if (result) {
      options.affectedRows = this.#affectedRows(result);
      options.lastInsertId = result.insertId;
      options.warnings = result.warnings;
      options.info = result.info;
    }
    writeOk(this.out, options);
  }

  /**
   * Affected rows as the client asked for them: with CLIENT_FOUND_ROWS an UPDATE reports the
   * rows it matched, not the rows it changed (sql/sql_update.cc); the matched count is the
   * one in MySQL's info text "Rows matched: N  Changed: M  Warnings: W".
   */
  #affectedRows(result: OkResult): number {
    if (
      (this.capabilities & CLIENT_FOUND_ROWS) === 0 || !result.info.startsWith("Rows matched: ")
    ) {
      return result.affectedRows;
    }
    const matched = parseInt(result.info.slice(14), 10);
    return Number.isNaN(matched) ? result.affectedRows : matched;
  }

  /** Append an ERR packet for any failure; non-MySQL errors become ER_UNKNOWN_ERROR. */
  writeError(error: unknown): void {
    let e: MysqlError;
    if (error instanceof MysqlError) {
      e = error;
    } else if (error instanceof ProtocolError) {
      e = new MysqlError(ER_MALFORMED_PACKET, "Malformed communication packet.");
    } else {
      const message = error instanceof Error ? error.message : String(error);
      logWarning(
        `Unexpected error in connection ${this.connectionId}: ${message}`,
        this.connectionId,
      );
      e = new MysqlError(ER_UNKNOWN_ERROR, message);
    }
    writeErr(this.out, { code: e.code, sqlState: e.sqlState, message: e.message });
  }

  /** Send what `out` holds to the client; `done` ends the reply to a command. */
  flush(done: boolean): void {
    if (this.out.length === 0) {
      if (done) this.#post({ t: "idle" });
      return;
    }
    this.#post({ t: "write", bytes: this.out.take(), done });
  }

  /** Tell the main thread to close the socket after the queued replies (COM_QUIT, fatal
   * errors). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#post({ t: "close" });
  }

  /** The client is gone: wait for the running command, release the engine session. */
  async hangup(): Promise<void> {
    this.#closed = true;
    if (this.#running) await this.#running;
    this.statements.closeAll();
    this.sql?.close();
    this.sql = null;
  }
}
