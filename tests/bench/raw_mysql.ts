/**
 * A minimal MySQL client over a raw `Deno.Conn`, for the lifecycle benchmark.
 *
 * npm mysql2 cannot drop a socket without COM_QUIT at a moment of our choosing, and a server
 * that hangs mid-statement can leave it waiting forever. This client speaks just enough of the
 * protocol (HandshakeV10 → HandshakeResponse41 with an empty mysql_native_password, COM_QUERY,
 * text result sets, OK / ERR / EOF) and bounds every read by a deadline. `close()` drops the
 * socket at once, like a client process that dies.
 */

const CLIENT_LONG_PASSWORD = 0x1;
const CLIENT_LONG_FLAG = 0x4;
const CLIENT_PROTOCOL_41 = 0x200;
const CLIENT_TRANSACTIONS = 0x2000;
const CLIENT_SECURE_CONNECTION = 0x8000;
const CLIENT_PLUGIN_AUTH = 0x80000;
const COM_QUERY = 0x03;
const UTF8MB4_GENERAL_CI = 45;
const MAX_PACKET = 16 * 1024 * 1024;

/** An ERR packet from the server; `errno` is MySQL's error number. */
export class RawMysqlError extends Error {
  /** MySQL error number, e.g. 1317 for ER_QUERY_INTERRUPTED. */
  readonly errno: number;
  /** SQLSTATE, or "" when the packet carried none. */
  readonly sqlState: string;
  constructor(errno: number, sqlState: string, message: string) {
    super(`ERR ${errno} (${sqlState}): ${message}`);
    this.errno = errno;
    this.sqlState = sqlState;
  }
}

/** The connection closed (by the peer or by us) before a whole response arrived. */
export class RawClosedError extends Error {}

/** No whole response arrived before the deadline; the connection was closed. */
export class RawTimeoutError extends Error {}

/** A text result set; OK packets give no columns and no rows. */
export interface RawResult {
  columns: string[];
  rows: (string | null)[][];
}

/**
 * How a statement sent with {@linkcode RawConnection.send} ended, and when (`at`, a
 * `performance.now()` time): a result, an ERR, the socket closing, or the deadline passing.
 */
export type RawOutcome =
  | { kind: "result"; at: number; result: RawResult }
  | { kind: "error" | "closed" | "timeout"; at: number; error: Error };

/** Options for {@linkcode RawConnection.open}. */
export interface RawOpenOptions {
  /** Bound on TCP connect plus handshake, in ms (default 10 000). */
  timeoutMs?: number;
  user?: string;
}

/** One client connection; every read is bounded, `close()` is abrupt and idempotent. */
export class RawConnection {
  #conn: Deno.TcpConn;
  #buf = new Uint8Array(0);
  #seq = 0;
  #closed = false;
  #busy = false;
  #connectionId = 0;
  #serverVersion = "";

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /** The connection id from the server's greeting (PROCESSLIST `Id`). */
  get connectionId(): number {
    return this.#connectionId;
  }

  /** The server version from the greeting. */
  get serverVersion(): string {
    return this.#serverVersion;
  }

  /** Connects and logs in as root (empty password); throws on ERR, timeout or close. */
  static async open(host: string, port: number, opts: RawOpenOptions = {}): Promise<RawConnection> {
    const deadline = performance.now() + (opts.timeoutMs ?? 10_000);
    const connecting = Deno.connect({ hostname: host, port });
    // A connect that completes after the deadline is closed at once instead of leaking.
    const conn = await withDeadline(connecting, deadline, () => {
      connecting.then((late) => late.close(), () => {});
    });
    const raw = new RawConnection(conn);
    try {
      const greeting = await raw.#readPacket(deadline);
      if (greeting[0] === 0xff) throw parseErr(greeting);
      const info = parseGreeting(greeting);
      raw.#connectionId = info.connectionId;
      raw.#serverVersion = info.serverVersion;
      await raw.#writePacket(handshakeResponse(info.capabilities, opts.user ?? "root"), 1);
      await raw.#finishAuth(deadline);
      return raw;
    } catch (err) {
      raw.close();
      throw err;
    }
  }

  /** True once `close()` ran or the peer closed during a read. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Runs `sql` and reads its whole response within `timeoutMs`; throws on ERR. */
  async query(sql: string, timeoutMs = 10_000): Promise<RawResult> {
    const outcome = await this.send(sql, timeoutMs);
    if (outcome.kind === "result") return outcome.result;
    throw outcome.error;
  }

  /**
   * Sends `sql` and resolves with how it ended (never rejects): a result, an ERR, the socket
   * closing, or the deadline passing (which closes the connection).
   */
  async send(sql: string, timeoutMs: number): Promise<RawOutcome> {
    if (this.#busy) throw new Error(`Cannot send "${sql}": a statement is still running`);
    this.#busy = true;
    const deadline = performance.now() + timeoutMs;
    try {
      const body = new TextEncoder().encode(sql);
      const payload = new Uint8Array(1 + body.length);
      payload[0] = COM_QUERY;
      payload.set(body, 1);
      await this.#writePacket(payload, 0);
      const result = await this.#readResult(deadline);
      return { kind: "result", result, at: performance.now() };
    } catch (err) {
      const at = performance.now();
      if (err instanceof RawMysqlError) return { kind: "error", error: err, at };
      if (err instanceof RawTimeoutError) return { kind: "timeout", error: err, at };
      return { kind: "closed", error: err as Error, at };
    } finally {
      this.#busy = false;
    }
  }

  /** Drops the socket without COM_QUIT. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed by the runtime after the peer's close.
    }
  }

  async #finishAuth(deadline: number): Promise<void> {
    for (let round = 0; round < 4; round++) {
      const packet = await this.#readPacket(deadline);
      if (packet[0] === 0x00) return;
      if (packet[0] === 0xff) throw parseErr(packet);
      // 0xfe AuthSwitchRequest: answer with the empty password's empty scramble.
      // 0x01 AuthMoreData: nothing to answer with an empty password; read on.
      if (packet[0] === 0xfe) await this.#writePacket(new Uint8Array(0), this.#seq + 1);
    }
    throw new Error("Cannot log in: the server kept asking for more authentication data");
  }

  async #readResult(deadline: number): Promise<RawResult> {
    const first = await this.#readPacket(deadline);
    if (first[0] === 0x00) return { columns: [], rows: [] };
    if (first[0] === 0xff) throw parseErr(first);
    const count = readLenenc(first, 0).value;
    const columns: string[] = [];
    for (let i = 0; i < count; i++) columns.push(columnName(await this.#readPacket(deadline)));
    await this.#readPacket(deadline); // EOF after the column definitions
    const rows: (string | null)[][] = [];
    for (;;) {
      const packet = await this.#readPacket(deadline);
      if (packet[0] === 0xfe && packet.length < 9) return { columns, rows };
      if (packet[0] === 0xff) throw parseErr(packet);
      rows.push(parseTextRow(packet, count));
    }
  }

  async #readPacket(deadline: number): Promise<Uint8Array> {
    for (;;) {
      if (this.#buf.length >= 4) {
        const len = this.#buf[0]! | (this.#buf[1]! << 8) | (this.#buf[2]! << 16);
        if (this.#buf.length >= 4 + len) {
          this.#seq = this.#buf[3]!;
          const payload = this.#buf.slice(4, 4 + len);
          this.#buf = this.#buf.slice(4 + len);
          return payload;
        }
      }
      if (this.#closed) throw new RawClosedError("Cannot read: connection closed");
      const chunk = new Uint8Array(65536);
      let n: number | null;
      try {
        n = await withDeadline(this.#conn.read(chunk), deadline, () => this.close());
      } catch (err) {
        if (err instanceof RawTimeoutError) throw err;
        this.close();
        throw new RawClosedError(`Cannot read: ${(err as Error).message}`);
      }
      if (n === null) {
        this.close();
        throw new RawClosedError("Cannot read: the server closed the connection");
      }
      const next = new Uint8Array(this.#buf.length + n);
      next.set(this.#buf);
      next.set(chunk.subarray(0, n), this.#buf.length);
      this.#buf = next;
    }
  }

  async #writePacket(payload: Uint8Array, seq: number): Promise<void> {
    const frame = new Uint8Array(4 + payload.length);
    frame[0] = payload.length & 0xff;
    frame[1] = (payload.length >> 8) & 0xff;
    frame[2] = (payload.length >> 16) & 0xff;
    frame[3] = seq & 0xff;
    frame.set(payload, 4);
    let off = 0;
    while (off < frame.length) off += await this.#conn.write(frame.subarray(off));
  }
}

/** Races `work` against `deadline` (a `performance.now()` time); `onTimeout` runs first. */
async function withDeadline<T>(
  work: Promise<T>,
  deadline: number,
  onTimeout: () => void,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new RawTimeoutError("Cannot read: deadline passed"));
    }, Math.max(0, deadline - performance.now()));
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

function parseGreeting(p: Uint8Array): {
  capabilities: number;
  connectionId: number;
  serverVersion: string;
} {
  // HandshakeV10: protocol version, NUL-terminated version, connection id (4), scramble (8),
  // filler, capabilities low (2), charset, status (2), capabilities high (2), ...
  const nul = p.indexOf(0, 1);
  const serverVersion = new TextDecoder().decode(p.subarray(1, nul));
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const connectionId = dv.getUint32(nul + 1, true);
  const capsAt = nul + 1 + 4 + 8 + 1;
  const low = dv.getUint16(capsAt, true);
  const high = p.length > capsAt + 5 ? dv.getUint16(capsAt + 5, true) : 0;
  return { capabilities: (low | (high << 16)) >>> 0, connectionId, serverVersion };
}

function handshakeResponse(serverCaps: number, user: string): Uint8Array {
  const caps = (CLIENT_LONG_PASSWORD | CLIENT_LONG_FLAG | CLIENT_PROTOCOL_41 |
    CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION | (serverCaps & CLIENT_PLUGIN_AUTH)) >>> 0;
  const enc = new TextEncoder();
  const name = enc.encode(user);
  const plugin = enc.encode("mysql_native_password");
  const size = 4 + // capability flags
    4 + // max packet size
    1 + // character set
    23 + // reserved
    name.length + 1 + // user, NUL-terminated
    1 + // auth response length (0: empty password)
    ((caps & CLIENT_PLUGIN_AUTH) ? plugin.length + 1 : 0); // plugin name, NUL-terminated
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, caps, true);
  dv.setUint32(4, MAX_PACKET, true);
  out[8] = UTF8MB4_GENERAL_CI;
  let off = 32;
  out.set(name, off);
  off += name.length + 1;
  out[off++] = 0;
  if (caps & CLIENT_PLUGIN_AUTH) {
    out.set(plugin, off);
    off += plugin.length + 1;
  }
  if (off !== size) throw new Error(`Cannot build handshake response: ${off} != ${size}`);
  return out;
}

function parseErr(p: Uint8Array): RawMysqlError {
  const errno = p[1]! | (p[2]! << 8);
  const dec = new TextDecoder();
  if (p[3] === 0x23 /* '#' */) {
    return new RawMysqlError(errno, dec.decode(p.subarray(4, 9)), dec.decode(p.subarray(9)));
  }
  return new RawMysqlError(errno, "", dec.decode(p.subarray(3)));
}

function readLenenc(p: Uint8Array, off: number): { value: number; next: number } {
  const b = p[off]!;
  if (b < 0xfb) return { value: b, next: off + 1 };
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  if (b === 0xfc) return { value: dv.getUint16(off + 1, true), next: off + 3 };
  if (b === 0xfd) return { value: dv.getUint32(off + 1, true) & 0xffffff, next: off + 4 };
  if (b === 0xfe) return { value: Number(dv.getBigUint64(off + 1, true)), next: off + 9 };
  throw new Error(`Cannot read length-encoded integer: byte 0x${b.toString(16)}`);
}

function readLenencString(p: Uint8Array, off: number): { value: string | null; next: number } {
  if (p[off] === 0xfb) return { value: null, next: off + 1 };
  const len = readLenenc(p, off);
  const value = new TextDecoder().decode(p.subarray(len.next, len.next + len.value));
  return { value, next: len.next + len.value };
}

/** ColumnDefinition41: catalog, schema, table, org_table, name, ... — the fifth string. */
function columnName(p: Uint8Array): string {
  let off = 0;
  for (let i = 0; i < 4; i++) off = readLenencString(p, off).next;
  return readLenencString(p, off).value ?? "";
}

function parseTextRow(p: Uint8Array, count: number): (string | null)[] {
  const row: (string | null)[] = [];
  let off = 0;
  for (let i = 0; i < count; i++) {
    const cell = readLenencString(p, off);
    row.push(cell.value);
    off = cell.next;
  }
  return row;
}
