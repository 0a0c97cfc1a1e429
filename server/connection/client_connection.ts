/**
 * One client connection on the main thread: its socket (VIO), the session thread that serves
 * it, and what SHOW PROCESSLIST shows about it. It only moves bytes: framed client packets go
 * to the worker, framed replies from the worker go to the socket.
 *
 * It also enforces MySQL's socket timeouts, since only the main thread sees the socket:
 * connect_timeout for the handshake, wait_timeout while idle (ERR 4031, unsolicited), and
 * net_read_timeout inside a half-read packet (ERR 1159); net_write_timeout lives in the VIO.
 * When the client is gone or killed it clears ALIVE / sets KILL in the shared control array
 * and notifies, so the worker abandons its statement at once (house rule 7).
 */

import { greetingPacket } from "../session/authenticator.ts";
import { generateScramble } from "../../protocol/auth.ts";
import { ER, MysqlError } from "../errors/mysql_error.ts";
import { logWarning, writeErrorLogEntry } from "../log/error_log.ts";
import {
  CONTROL_SLOTS,
  ControlSlot,
  type FromWorker,
  type GlobalVariables,
  KillState,
  type NetVariables,
} from "../session/session_messages.ts";
import type { Vio, VioEndReason } from "../vio/vio.ts";
import type { SessionThread, SessionThreadOwner } from "./session_thread.ts";
import { encodeErrPacket, PacketFramer, ProtocolError } from "./_protocol.ts";
import type { ProcessInfo } from "../sql/types.ts";
import { SessionSignals } from "../session/session_signals.ts";
import { COMMAND_NAMES } from "./_command_names.ts";
import { StatusCounters } from "../thd/status_counters.ts";

/** COM_QUERY: its text is what the process list shows as Info. */
const COM_QUERY = 0x03;
/** Largest COM_QUERY text kept for the process list. */
const INFO_KEEP_BYTES = 4096;
/** How long a busy session killed with KILL CONNECTION may take to end its statement and send
 * ERR 1927 before its socket is closed anyway (MySQL shuts the victim's socket down at once). */
const KILL_GRACE_MS = 2000;
/** The log text of a read timeout (MySQL's ER_NET_READ_INTERRUPTED). */
const READ_TIMEOUT_TEXT = "Got timeout reading communication packets";
/** The log text of a write timeout (MySQL's ER_NET_WRITE_INTERRUPTED). */
const WRITE_TIMEOUT_TEXT = "Got timeout writing communication packets";

/** Which timeout the VIO's read timer stands for now. */
type ReadTimer = "connect" | "idle" | "partial" | null;

/** What a connection needs from the registry that owns it. */
export interface ConnectionHost {
  readonly datadir: string;
  readonly globals: GlobalVariables;
  /** Catalog epoch shared by every session thread. */
  readonly catalogEpoch: SharedArrayBuffer;
  /** The lock table shared by every session thread (server/locks). */
  readonly lockTable: SharedArrayBuffer;
  readonly startedAt: number;
  /** The connection is gone: forget it. `aborted` tells how (Aborted_connects/_clients). */
  release(connection: ClientConnection, aborted: "connect" | "client" | null): void;
  /** The session on `thread` ended: the thread goes back to the thread cache. */
  releaseThread(thread: SessionThread): void;
  /** Serve a ServerLink call from this connection's session. */
  serveRpc(connection: ClientConnection, op: string, args: unknown[]): Promise<unknown>;
}

/** A client connection served by one session thread. */
export class ClientConnection implements SessionThreadOwner {
  readonly id: number;
  readonly vio: Vio;
  readonly connectedAt = Date.now();
  /** KILL and ALIVE flags shared with the worker (see `ControlSlot`). */
  readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
  /** The session's status counters, kept by its worker (SHOW STATUS). */
  readonly status = new StatusCounters();

  #host: ConnectionHost;
  #thread: SessionThread;
  #framer: PacketFramer;
  #user = "unauthenticated user";
  #db: string | null = null;
  #authenticated = false;
  #quitting = false;
  #command = -1;
  #commandStartedAt = Date.now();
  #info: Uint8Array | null = null;
  #ended = false;
  /** The session's network variables (seconds, bytes), as the worker last reported them. */
  #net: NetVariables;
  /** Commands handed to the worker and not answered yet (pipelined clients send several). */
  #inFlight = 0;
  #readTimer: ReadTimer = null;
  /** KILL CONNECTION hit this connection (it counts in Aborted_clients, as in MySQL). */
  #killed = false;
  #killTimer: ReturnType<typeof setTimeout> | undefined;
  /** This session asked for the shutdown: its SHUTDOWN gets its OK before 1053 follows. */
  #askedShutdown = false;
  /** Shutdown came while this session's own SHUTDOWN was being answered. */
  #shutdownAfterReply = false;

  constructor(
    id: number,
    vio: Vio,
    options: { host: ConnectionHost; thread: SessionThread; framer: PacketFramer },
  ) {
    this.id = id;
    this.vio = vio;
    this.#host = options.host;
    this.#thread = options.thread;
    this.#framer = options.framer;
    const globals = options.host.globals;
    this.#net = {
      waitTimeout: Number(globals.get("wait_timeout") ?? 28800),
      netReadTimeout: Number(globals.get("net_read_timeout") ?? 30),
      netWriteTimeout: Number(globals.get("net_write_timeout") ?? 60),
      maxAllowedPacket: options.framer.maxPacketSize,
    };
    Atomics.store(this.control, ControlSlot.ALIVE, 1);
  }

  /** Greet the client, hand the connection to its thread and start reading. */
  start(): void {
    const host = this.#host;
    // The greeting goes out at once (it needs nothing from the session), so the client works
    // on its answer while the session thread wakes up for the `open`.
    const scramble = generateScramble();
    this.vio.write(greetingPacket(this.id, scramble));
    this.#thread.attach(this);
    this.#thread.post({
      t: "open",
      connectionId: this.id,
      scramble,
      peer: this.vio.peer,
      datadir: host.datadir,
      globals: host.globals,
      startedAt: host.startedAt,
      control: this.control.buffer as SharedArrayBuffer,
      status: this.status.buffer,
      catalogEpoch: host.catalogEpoch,
      lockTable: host.lockTable,
    });
    // connect_timeout bounds the whole handshake (sql/sql_connect.cc uses it for the login).
    const connectTimeout = Number(host.globals.get("connect_timeout") ?? 10);
    this.#readTimer = "connect";
    this.vio.armReadTimeout(connectTimeout * 1000, () => this.vio.close());
    this.vio.setWriteTimeout(this.#net.netWriteTimeout * 1000);
    this.vio.start({
      onPacket: (seq, payload) => this.#onPacket(seq, payload),
      onPartialPacket: () => this.#onPartialPacket(),
      onEnd: (reason, error) => this.#onEnd(reason, error),
    });
  }

  #onPacket(seq: number, payload: Uint8Array): void {
    // After KILL CONNECTION the session answers nothing more; the socket is about to close.
    if (this.#killed) return;
    if (this.#authenticated) {
      if (this.#readTimer !== null) this.#disarmReadTimer();
      this.#inFlight++;
      this.#command = payload[0] ?? -1;
      this.#commandStartedAt = Date.now();
      if (this.#command === 0x01) this.#quitting = true;
    }
    // `payload` is framer memory: keep a copy of the statement text, the ring copies the rest.
    if (this.#command === COM_QUERY) this.#info = payload.slice(0, INFO_KEEP_BYTES);
    this.#thread.sendPacket(seq, payload);
  }

  /** Part of a packet is buffered: net_read_timeout bounds how long the rest may take. */
  #onPartialPacket(): void {
    if (!this.#authenticated || this.#readTimer === "partial" || this.#quitting) return;
    this.#readTimer = "partial";
    this.vio.armReadTimeout(this.#net.netReadTimeout * 1000, () => {
      const err = new MysqlError(ER.ER_NET_READ_INTERRUPTED, READ_TIMEOUT_TEXT, "08S01");
      // The half-read packet starts a command (sequence id 0), so the reply is number 1.
      this.#timeOut(err, 1);
    });
  }

  /** The reply to a command is complete: once nothing is pending the session idles, and
   * wait_timeout starts (sql/sql_parse.cc do_command sets it as the read timeout). */
  #replyDone(): void {
    if (this.#inFlight > 0) this.#inFlight--;
    if (this.#inFlight > 0) return;
    this.#toSleep();
    if (this.#shutdownAfterReply) {
      this.#shutdownAfterReply = false;
      this.shutdown();
      return;
    }
    if (this.#readTimer !== null || this.#quitting || this.#killed || !this.#authenticated) return;
    this.#readTimer = "idle";
    this.vio.armReadTimeout(this.#net.waitTimeout * 1000, () => {
      // MySQL 8.0.24+ tells the client why before closing (unsolicited, sequence id 0).
      const err = new MysqlError(
        ER.ER_CLIENT_INTERACTION_TIMEOUT,
        "The client was disconnected by the server because of inactivity. " +
          "See wait_timeout and interactive_timeout for configuring this behavior.",
      );
      this.#timeOut(err, 0);
    });
  }

  #disarmReadTimer(): void {
    this.#readTimer = null;
    this.vio.disarmReadTimeout();
  }

  /** A read timeout: tell the client, log MySQL's aborted-connection line, close. */
  #timeOut(err: MysqlError, sequenceId: number): void {
    this.#readTimer = null;
    if (this.vio.closed) return;
    this.#logAborted(READ_TIMEOUT_TEXT);
    this.#clientGone();
    this.vio.write(encodeErrPacket(err, sequenceId));
    this.vio.drain().then(() => this.vio.close());
  }

  /** ALIVE = 0 and wake the worker's waits: its statement ends, nothing more is sent. */
  #clientGone(): void {
    if (Atomics.load(this.control, ControlSlot.ALIVE) === 0) return;
    Atomics.store(this.control, ControlSlot.ALIVE, 0);
    Atomics.notify(this.control, ControlSlot.KILL);
  }

  async #onEnd(reason: VioEndReason, error: unknown): Promise<void> {
    // The socket is gone (or about to be): the worker learns it now, also mid-statement.
    this.#clientGone();
    clearTimeout(this.#killTimer);
    if (reason === "write_timeout") this.#logAborted(WRITE_TIMEOUT_TEXT);
    if (reason === "malformed") {
      if (error instanceof ProtocolError && error.code === "too_large") {
        // sql/net_serv.cc: the server answers ER_NET_PACKET_TOO_LARGE, then drops the client.
        const err = new MysqlError(
          ER.ER_NET_PACKET_TOO_LARGE,
          "Got a packet bigger than 'max_allowed_packet' bytes",
        );
        // The offending packet starts a command (sequence id 0), so the reply is number 1.
        this.vio.write(encodeErrPacket(err, 1));
        this.#logAborted(err.message);
        await this.vio.drain();
      } else {
        this.#logAborted(error instanceof Error ? error.message : String(error));
      }
      this.vio.close();
    }
    this.#thread.post({ t: "hangup" });
    this.#finish();
  }

  /** MySQL's ER_ABORTING_USER_CONNECTION line; not for a killed session (sql_connect.cc
   * end_connection logs only when `!thd->killed`). */
  #logAborted(why: string): void {
    if (!this.#authenticated || this.#killed) return;
    logWarning(
      `Aborted connection ${this.id} to db: '${
        this.#db ?? "unconnected"
      }' user: '${this.#user}' host: '${this.vio.peer.host}' (${why}).`,
      this.id,
    );
  }

  /** Messages from the session worker. */
  onWorkerMessage(message: FromWorker): void {
    switch (message.t) {
      case "write":
        this.vio.write(message.bytes);
        if (message.done) this.#replyDone();
        return;
      case "idle":
        this.#replyDone();
        return;
      case "authenticated":
        // Also the end of COM_CHANGE_USER, whose auth-switch packets have no reply of their own.
        this.#authenticated = true;
        this.#inFlight = 0;
        this.#user = message.user;
        this.#db = message.db;
        this.#framer.maxPacketSize = message.maxAllowedPacket;
        if (this.#readTimer === "connect") this.#disarmReadTimer();
        this.#toSleep();
        return;
      case "db":
        this.#db = message.db;
        return;
      case "net":
        this.#net = message.vars;
        this.#framer.maxPacketSize = message.vars.maxAllowedPacket;
        this.vio.setWriteTimeout(message.vars.netWriteTimeout * 1000);
        return;
      case "close":
        // A session that ends because its client already left is still an aborted client.
        if (!this.vio.closed) this.#quitting = true;
        this.vio.drain().then(() => this.vio.close());
        return;
      case "ended":
        this.#ended = true;
        this.#finish();
        return;
      case "log":
        writeErrorLogEntry(message.entry);
        return;
      case "rpc":
        this.#serveRpc(message.id, message.op, message.args);
        return;
      case "exited":
        return;
    }
  }

  /** The worker died: drop the client. */
  onWorkerError(message: string): void {
    logWarning(`Session thread of connection ${this.id} died: ${message}`, this.id);
    this.#ended = true;
    this.vio.close();
    this.#finish();
  }

  async #serveRpc(id: number, op: string, args: unknown[]): Promise<void> {
    if (op === "requestShutdown") this.#askedShutdown = true;
    try {
      const value = await this.#host.serveRpc(this, op, args);
      this.#thread.post({ t: "rpc-reply", id, ok: true, value });
    } catch (error) {
      const e = error instanceof MysqlError
        ? error
        : new MysqlError(ER.ER_UNKNOWN_COM_ERROR, String(error));
      this.#thread.post({
        t: "rpc-reply",
        id,
        ok: false,
        code: e.code,
        message: e.message,
        sqlState: e.sqlState,
      });
    }
  }

  #toSleep(): void {
    this.#command = 0;
    this.#commandStartedAt = Date.now();
    this.#info = null;
  }

  /** Replies go out until the socket's queue is over its bound (see `SessionThreadOwner`). */
  whenWritable(): Promise<void> | null {
    return this.vio.whenWritable();
  }

  /** After both the socket and the session ended, give the thread back to the cache. */
  #finish(): void {
    if (!this.vio.closed || !this.#ended) return;
    clearTimeout(this.#killTimer);
    this.#host.releaseThread(this.#thread);
    const aborted = !this.#authenticated
      ? "connect"
      : this.#quitting && !this.#killed
      ? null
      : "client";
    this.#host.release(this, aborted);
  }

  /**
   * KILL [QUERY|CONNECTION] (sql/sql_parse.cc kill_one_thread): flag the session and wake its
   * waits; the flag is set before the killer gets its OK. An idle victim gets ERR 1927 here,
   * unsolicited; a busy one ends its statement with ERR 1927 from its worker, or loses its
   * socket after KILL_GRACE_MS (or at once when its socket is congested: nothing gets out).
   */
  kill(queryOnly: boolean): void {
    const state = queryOnly ? KillState.KILL_QUERY : KillState.KILL_CONNECTION;
    // A pending KILL CONNECTION is not weakened by a later KILL QUERY.
    if (Atomics.load(this.control, ControlSlot.KILL) < KillState.KILL_CONNECTION) {
      Atomics.store(this.control, ControlSlot.KILL, state);
    }
    Atomics.notify(this.control, ControlSlot.KILL);
    if (queryOnly || this.#killed || this.vio.closed) return;
    this.#killed = true;
    this.#disarmReadTimer();
    if (this.#authenticated && this.#inFlight === 0) {
      this.#clientGone();
      this.vio.write(
        encodeErrPacket(new MysqlError(ER.ER_CONNECTION_KILLED, "Connection was killed"), 0),
      );
      this.vio.drain().then(() => this.vio.close());
    } else if (!this.#authenticated || this.vio.whenWritable() !== null) {
      this.#clientGone();
      this.vio.close();
    } else {
      this.#killTimer = setTimeout(() => {
        this.#clientGone();
        this.vio.close();
      }, KILL_GRACE_MS);
    }
  }

  /**
   * Server shutdown (sql/mysqld.cc close_connections; MariaDB's KILL_SERVER): mark the session
   * killed by shutdown and wake its waits. A busy session ends its statement with ERR 1053; the
   * worker gets a `shutdown` message after the command in flight, so an idle session (or one
   * whose last command ended just before the kill) sends an unsolicited ERR 1053; then the
   * worker closes it. One still logging in is closed. The session that sent SHUTDOWN gets its
   * OK first.
   */
  shutdown(): void {
    if (this.#askedShutdown && this.#inFlight > 0) {
      this.#shutdownAfterReply = true;
      return;
    }
    Atomics.store(this.control, ControlSlot.KILL, KillState.KILL_SERVER);
    Atomics.notify(this.control, ControlSlot.KILL);
    if (this.#killed || this.vio.closed) return;
    this.#killed = true;
    this.#disarmReadTimer();
    if (this.#authenticated) {
      this.#thread.post({ t: "shutdown" });
    } else {
      this.#clientGone();
      this.vio.close();
    }
  }

  /** Shutdown, once shutdown_timeout passed: close the socket; the worker abandons its
   * statement and rolls back. */
  forceClose(): void {
    clearTimeout(this.#killTimer);
    this.#clientGone();
    this.vio.close();
  }

  /** The worker serving this session (shutdown names a thread that does not end). */
  get thread(): SessionThread {
    return this.#thread;
  }

  /** Close the socket and end the session (server stop). */
  close(): void {
    this.#quitting = true;
    this.vio.close();
  }

  /** Give up on the session thread (server stop): terminate it and forget the connection. */
  abandon(): void {
    this.vio.close();
    this.#ended = true;
    this.#thread.attach(null);
    this.#thread.terminate();
    this.#host.release(this, null);
  }

  /** This connection's row in SHOW PROCESSLIST. */
  processInfo(now: number): ProcessInfo {
    const name = this.#authenticated ? (COMMAND_NAMES[this.#command] ?? "Sleep") : "Connect";
    const info = this.#info === null ? null : new TextDecoder().decode(this.#info.subarray(1));
    return {
      id: this.id,
      user: this.#user,
      host: this.vio.peer.unix ? "localhost" : `${this.vio.peer.host}:${this.vio.peer.port}`,
      db: this.#db,
      command: name,
      timeMs: now - this.#commandStartedAt,
      state: name === "Sleep" ? "" : this.#authenticated ? this.#stateText() : "login",
      info,
    };
  }

  /** PROCESSLIST State of a busy session: what its worker published (User sleep, Waiting for
   * table metadata lock, ...), else "executing". */
  #stateText(): string {
    return SessionSignals.stateText(this.control) || "executing";
  }

  /** A global variable changed: the session thread keeps its copy current. */
  globalChanged(name: string, value: string | number): void {
    this.#thread.post({ t: "global", name, value });
  }

  /** True while a command runs (Threads_running). */
  get busy(): boolean {
    return this.#authenticated && this.#command > 0;
  }

  /** The authenticated user ("" before authentication). */
  get user(): string {
    return this.#authenticated ? this.#user : "";
  }
}
