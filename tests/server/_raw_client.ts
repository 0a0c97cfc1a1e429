/**
 * A tiny MySQL client over a raw TCP socket, for cases a real client library cannot produce:
 * unknown command bytes, malformed frames, oversized packets, a chosen auth plugin.
 */

import { createHash } from "node:crypto";

const CLIENT_PROTOCOL_41 = 0x200;
const CLIENT_SECURE_CONNECTION = 0x8000;
const CLIENT_PLUGIN_AUTH = 0x80000;
const CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA = 0x200000;
const CLIENT_DEPRECATE_EOF = 0x1000000;

/** One packet as read from the server. */
export interface RawPacket {
  seq: number;
  payload: Uint8Array;
}

function digest(algorithm: string, ...parts: Uint8Array[]): Uint8Array {
  const h = createHash(algorithm);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  return a.map((v, i) => v ^ b[i]!);
}

/** mysql_native_password: SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))). */
export function nativeResponse(password: string, scramble: Uint8Array): Uint8Array {
  if (password === "") return new Uint8Array(0);
  const stage1 = digest("sha1", new TextEncoder().encode(password));
  return xor(stage1, digest("sha1", scramble, digest("sha1", stage1)));
}

/** caching_sha2_password: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + scramble). */
export function sha2Response(password: string, scramble: Uint8Array): Uint8Array {
  if (password === "") return new Uint8Array(0);
  const stage1 = digest("sha256", new TextEncoder().encode(password));
  return xor(stage1, digest("sha256", digest("sha256", stage1), scramble));
}

/** A raw connection; dispose it to close the socket. */
export class RawClient {
  readonly conn: Deno.TcpConn;
  #buffer = new Uint8Array(0);
  /** The 20-byte scramble of the greeting. */
  scramble = new Uint8Array(0);
  /** Connection id of the greeting. */
  connectionId = 0;
  /** Capability flags `login` sends besides its own (e.g. CLIENT_INTERACTIVE, 0x400). */
  extraCapabilities = 0;

  private constructor(conn: Deno.TcpConn) {
    this.conn = conn;
  }

  /** Connect and read the greeting. */
  static async connect(port: number): Promise<RawClient> {
    const client = new RawClient(await Deno.connect({ hostname: "127.0.0.1", port }));
    const greeting = await client.read();
    if (!greeting) throw new Error("Cannot read greeting: connection closed");
    const p = greeting.payload;
    const versionEnd = p.indexOf(0, 1);
    const view = new DataView(p.buffer, p.byteOffset);
    client.connectionId = view.getUint32(versionEnd + 1, true);
    const part1 = p.subarray(versionEnd + 5, versionEnd + 13);
    const part2 = p.subarray(
      versionEnd + 13 + 1 + 2 + 1 + 2 + 2 + 1 + 10,
      versionEnd + 13 + 19 + 12,
    );
    client.scramble = new Uint8Array([...part1, ...part2]);
    return client;
  }

  /** Send HandshakeResponse41 for `user` with `plugin`; returns the server's next packet. */
  async login(
    user: string,
    password: string,
    plugin = "mysql_native_password",
  ): Promise<RawPacket | null> {
    const caps = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH |
      CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | CLIENT_DEPRECATE_EOF | this.extraCapabilities;
    const auth = plugin === "caching_sha2_password"
      ? sha2Response(password, this.scramble)
      : nativeResponse(password, this.scramble);
    const enc = new TextEncoder();
    const head = new Uint8Array(32);
    const view = new DataView(head.buffer);
    view.setUint32(0, caps, true);
    view.setUint32(4, 1 << 24, true);
    head[8] = 45;
    const payload = new Uint8Array([
      ...head,
      ...enc.encode(user),
      0,
      auth.length,
      ...auth,
      ...enc.encode(plugin),
      0,
    ]);
    await this.send(1, payload);
    return await this.read();
  }

  /** Write one packet. */
  async send(seq: number, payload: Uint8Array): Promise<void> {
    const frame = new Uint8Array(4 + payload.length);
    frame[0] = payload.length & 0xff;
    frame[1] = (payload.length >> 8) & 0xff;
    frame[2] = (payload.length >> 16) & 0xff;
    frame[3] = seq;
    frame.set(payload, 4);
    await this.write(frame);
  }

  /** Send COM_QUERY `text` as a new command; returns the first packet of the reply. */
  async query(text: string): Promise<RawPacket | null> {
    await this.send(0, new Uint8Array([0x03, ...new TextEncoder().encode(text)]));
    return await this.read();
  }

  /** Write raw bytes. */
  async write(bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.length) done += await this.conn.write(bytes.subarray(done));
  }

  /** Read one packet; null when the server closed the connection. */
  async read(): Promise<RawPacket | null> {
    for (;;) {
      if (this.#buffer.length >= 4) {
        const b = this.#buffer;
        const len = b[0]! | (b[1]! << 8) | (b[2]! << 16);
        if (b.length >= 4 + len) {
          const packet = { seq: b[3]!, payload: b.slice(4, 4 + len) };
          this.#buffer = b.slice(4 + len);
          return packet;
        }
      }
      const chunk = new Uint8Array(65536);
      let n: number | null;
      try {
        n = await this.conn.read(chunk);
      } catch {
        n = null;
      }
      if (n === null) return null;
      const next = new Uint8Array(this.#buffer.length + n);
      next.set(this.#buffer);
      next.set(chunk.subarray(0, n), this.#buffer.length);
      this.#buffer = next;
    }
  }

  [Symbol.dispose](): void {
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }
}

/** Error number and message of an ERR packet (throws when it is not one). */
export function errOf(packet: RawPacket | null): { code: number; message: string } {
  if (!packet || packet.payload[0] !== 0xff) {
    throw new Error(`Cannot read ERR: got ${packet?.payload[0]}`);
  }
  const p = packet.payload;
  return { code: p[1]! | (p[2]! << 8), message: new TextDecoder().decode(p.subarray(9)) };
}
