/**
 * One client connection on the main thread: its socket (VIO), the session thread that serves
 * it, and what SHOW PROCESSLIST shows about it. It only moves bytes: framed client packets go
 * to the worker, framed replies from the worker go to the socket.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import { logWarning, writeErrorLogEntry } from "../log/error_log.ts";
import {
  CONTROL_SLOTS,
  ControlSlot,
  type FromWorker,
  type GlobalVariables,
  KillState,
} from "../session/session_messages.ts";
import type { Vio, VioEndReason } from "../vio/vio.ts";
import type { SessionThread, SessionThreadOwner } from "./session_thread.ts";
import { encodeErrPacket, PacketFramer, ProtocolError } from "./_protocol.ts";
import type { ProcessInfo } from "../sql/types.ts";

/** COM_QUERY: its text is what the process list shows as Info. */
const COM_QUERY = 0x03;
/** Largest COM_QUERY text kept for the process list. */
const INFO_KEEP_BYTES = 4096;

/** MySQL's names of the commands, as the process list's Command column shows them. */
const COMMAND_NAMES: Record<number, string> = {
  0x00: "Sleep",
  0x01: "Quit",
  0x02: "Init DB",
  0x03: "Query",
  0x04: "Field List",
  0x08: "Shutdown",
  0x09: "Statistics",
  0x0d: "Debug",
  0x0e: "Ping",
  0x11: "Change user",
  0x16: "Prepare",
  0x17: "Execute",
  0x18: "Long Data",
  0x19: "Close stmt",
  0x1a: "Reset stmt",
  0x1b: "Set option",
  0x1c: "Fetch",
  0x1f: "Reset Connection",
};

/** What a connection needs from the registry that owns it. */
export interface ConnectionHost {
  readonly datadir: string;
  readonly globals: GlobalVariables;
  /** Catalog epoch shared by every session thread. */
  readonly catalogEpoch: SharedArrayBuffer;
  readonly startedAt: number;
  /** One more client command (the Questions counter). */
  countQuestion(): void;
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
  /** KILL flag shared with the worker (see `ControlSlot`). */
  readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));

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
  }

  /** Hand the connection to its thread and start reading. */
  start(): void {
    const host = this.#host;
    this.#thread.attach(this);
    this.#thread.post({
      t: "open",
      connectionId: this.id,
      peer: this.vio.peer,
      datadir: host.datadir,
      globals: host.globals,
      startedAt: host.startedAt,
      control: this.control.buffer as SharedArrayBuffer,
      catalogEpoch: host.catalogEpoch,
    });
    // connect_timeout bounds the whole handshake (sql/sql_connect.cc uses it for the login).
    const connectTimeout = Number(host.globals.get("connect_timeout") ?? 10);
    this.vio.armReadTimeout(connectTimeout * 1000, () => this.vio.close());
    this.vio.start({
      onPacket: (seq, payload) => this.#onPacket(seq, payload),
      onEnd: (reason, error) => this.#onEnd(reason, error),
    });
  }

  #onPacket(seq: number, payload: Uint8Array): void {
    if (this.#authenticated) {
      this.#command = payload[0] ?? -1;
      this.#commandStartedAt = Date.now();
      this.#host.countQuestion();
      if (this.#command === 0x01) this.#quitting = true;
    }
    // `payload` is framer memory: keep a copy of the statement text, the ring copies the rest.
    if (this.#command === COM_QUERY) this.#info = payload.slice(0, INFO_KEEP_BYTES);
    this.#thread.sendPacket(seq, payload);
  }

  async #onEnd(reason: VioEndReason, error: unknown): Promise<void> {
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

  #logAborted(why: string): void {
    if (!this.#authenticated) return;
    logWarning(
      `Aborted connection ${this.id} to db: '${
        this.#db ?? "unconnected"
      }' user: '${this.#user}' host: '${this.vio.peer.host}' (${why})`,
      this.id,
    );
  }

  /** Messages from the session worker. */
  onWorkerMessage(message: FromWorker): void {
    switch (message.t) {
      case "write":
        this.vio.write(message.bytes);
        if (message.done) this.#toSleep();
        return;
      case "idle":
        this.#toSleep();
        return;
      case "authenticated":
        this.#authenticated = true;
        this.#user = message.user;
        this.#db = message.db;
        this.#framer.maxPacketSize = message.maxAllowedPacket;
        this.vio.disarmReadTimeout();
        this.#toSleep();
        return;
      case "db":
        this.#db = message.db;
        return;
      case "max-packet":
        this.#framer.maxPacketSize = message.bytes;
        return;
      case "close":
        this.#quitting = true;
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

  /** After both the socket and the session ended, give the thread back to the cache. */
  #finish(): void {
    if (!this.vio.closed || !this.#ended) return;
    this.#host.releaseThread(this.#thread);
    const aborted = !this.#authenticated ? "connect" : this.#quitting ? null : "client";
    this.#host.release(this, aborted);
  }

  /** KILL [QUERY|CONNECTION]: flag the session; a connection kill also drops the socket. */
  kill(queryOnly: boolean): void {
    Atomics.store(
      this.control,
      ControlSlot.KILL,
      queryOnly ? KillState.KILL_QUERY : KillState.KILL_CONNECTION,
    );
    Atomics.notify(this.control, ControlSlot.KILL);
    if (!queryOnly) {
      this.#quitting = true;
      this.vio.close();
    }
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
      state: name === "Sleep" ? "" : this.#authenticated ? "executing" : "login",
      info,
    };
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
