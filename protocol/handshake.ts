/**
 * Connection phase packets: Protocol::HandshakeV10 (server greeting),
 * Protocol::HandshakeResponse41 (client reply), Protocol::AuthSwitchRequest and
 * Protocol::AuthMoreData.
 */

import {
  CLIENT_CONNECT_ATTRS,
  CLIENT_CONNECT_WITH_DB,
  CLIENT_PLUGIN_AUTH,
  CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA,
  CLIENT_PROTOCOL_41,
  CLIENT_SECURE_CONNECTION,
  CLIENT_SSL,
  PROTOCOL_VERSION,
} from "./constants.ts";
import { PacketReader } from "./packet_reader.ts";
import { type PacketOutput, PacketWriter } from "./packet_writer.ts";
import { ProtocolError } from "./protocol_error.ts";

/** What the server announces in its greeting. */
export interface HandshakeV10Options {
  /** Thread id (CONNECTION_ID()). */
  connectionId: number;
  /** Version string, e.g. "8.0.36-mydeno". */
  serverVersion: string;
  /** The 20-byte auth-plugin-data (see `generateScramble`). */
  scramble: Uint8Array;
  /** Server capability flags (CLIENT_*). */
  capabilities: number;
  /** Default collation id (low byte only is sent). */
  characterSet: number;
  /** SERVER_STATUS_* flags. */
  statusFlags: number;
  /** Default authentication plugin, e.g. "mysql_native_password". */
  authPluginName: string;
}

/** A decoded Protocol::HandshakeResponse41. Byte fields are views into the payload. */
export interface HandshakeResponse41 {
  capabilities: number;
  maxPacketSize: number;
  characterSet: number;
  username: string;
  authResponse: Uint8Array;
  database: string | null;
  authPluginName: string | null;
  attributes: Map<string, string>;
}

/** Size of an SSLRequest payload: the fixed head of HandshakeResponse41. */
const SSL_REQUEST_LENGTH = 32;

/** Append Protocol::HandshakeV10 as one packet. */
export function writeHandshakeV10(out: PacketOutput, options: HandshakeV10Options): void {
  out.beginPacket();
  writeHandshakeV10Payload(out, options);
  out.endPacket();
}

/** Protocol::HandshakeV10 payload. */
export function encodeHandshakeV10(options: HandshakeV10Options): Uint8Array {
  const w = new PacketWriter(128);
  writeHandshakeV10Payload(w, options);
  return w.take();
}

function writeHandshakeV10Payload(w: PacketWriter, o: HandshakeV10Options): void {
  if (o.scramble.length !== 20) {
    throw new RangeError(
      `Cannot encode handshake: scramble has ${o.scramble.length} bytes, not 20`,
    );
  }
  const caps = o.capabilities >>> 0;
  w.int1(PROTOCOL_VERSION); // protocol version
  w.nulString(o.serverVersion); // server version
  w.int4(o.connectionId); // thread id
  w.bytes(o.scramble.subarray(0, 8)); // auth-plugin-data-part-1
  w.int1(0); // filler
  w.int2(caps & 0xffff); // capability flags, lower 2 bytes
  w.int1(o.characterSet & 0xff); // character set
  w.int2(o.statusFlags); // status flags
  w.int2(caps >>> 16); // capability flags, upper 2 bytes
  w.int1(caps & CLIENT_PLUGIN_AUTH ? 21 : 0); // length of auth-plugin-data
  w.zeros(10); // reserved
  w.bytes(o.scramble.subarray(8)); // auth-plugin-data-part-2: 12 bytes ...
  w.int1(0); // ... and its NUL: max(13, 21 - 8) bytes in all
  if (caps & CLIENT_PLUGIN_AUTH) w.nulString(o.authPluginName); // auth plugin name
}

/** True when `payload` is an SSLRequest: the 32-byte head of a response, with CLIENT_SSL. */
export function isSslRequest(payload: Uint8Array): boolean {
  return payload.length === SSL_REQUEST_LENGTH &&
    (new PacketReader(payload).int4() & CLIENT_SSL) !== 0;
}

/**
 * Decode Protocol::HandshakeResponse41. Throws `ProtocolError` "ssl_request" for an SSLRequest,
 * "pre41_client" for a client without CLIENT_PROTOCOL_41, "truncated" when the fixed head or a
 * present field is cut short. Fields the client's capabilities omit get empty/null defaults.
 */
export function decodeHandshakeResponse41(payload: Uint8Array): HandshakeResponse41 {
  if (isSslRequest(payload)) {
    throw new ProtocolError("ssl_request", "Cannot decode handshake response: got SSLRequest");
  }
  const r = new PacketReader(payload);
  if (payload.length >= 2 && (r.int2() & CLIENT_PROTOCOL_41) === 0) {
    throw new ProtocolError("pre41_client", "Cannot decode handshake response: pre-4.1 client");
  }
  const head = new PacketReader(payload);
  const capabilities = head.int4(); // client flags
  const maxPacketSize = head.int4(); // max packet size
  const characterSet = head.int1(); // character set
  head.skip(23); // filler (MariaDB puts extended capabilities in its last 4 bytes)
  const username = head.atEnd ? "" : head.nulStringOrRest();
  const authResponse = readAuthResponse(head, capabilities);
  let database: string | null = null;
  if (capabilities & CLIENT_CONNECT_WITH_DB && !head.atEnd) database = head.nulStringOrRest();
  let authPluginName: string | null = null;
  if (capabilities & CLIENT_PLUGIN_AUTH && !head.atEnd) authPluginName = head.nulStringOrRest();
  const attributes = capabilities & CLIENT_CONNECT_ATTRS && !head.atEnd
    ? readConnectAttributes(head)
    : new Map<string, string>();
  return {
    capabilities,
    maxPacketSize,
    characterSet,
    username,
    authResponse,
    database,
    authPluginName,
    attributes,
  };
}

/** The auth response in whichever of its three encodings the capabilities select. */
export function readAuthResponse(r: PacketReader, capabilities: number): Uint8Array {
  if (r.atEnd) return new Uint8Array(0);
  if (capabilities & CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) return r.lenencBytes();
  if (capabilities & CLIENT_SECURE_CONNECTION) return r.bytes(r.int1());
  return r.nulBytes();
}

/** Connection attributes: int<lenenc> total length, then key/value string<lenenc> pairs. */
export function readConnectAttributes(r: PacketReader): Map<string, string> {
  const attributes = new Map<string, string>();
  const total = r.lenencLength();
  r.need(total, "connection attributes");
  const sub = new PacketReader(r.bytes(total));
  while (!sub.atEnd) {
    const key = sub.lenencString();
    attributes.set(key, sub.lenencString());
  }
  return attributes;
}

/** Append Protocol::AuthSwitchRequest as one packet. */
export function writeAuthSwitchRequest(
  out: PacketOutput,
  pluginName: string,
  data: Uint8Array,
): void {
  out.beginPacket();
  writeAuthSwitchRequestPayload(out, pluginName, data);
  out.endPacket();
}

/**
 * Protocol::AuthSwitchRequest payload: 0xFE, plugin name NUL, plugin data. `data` is the raw
 * scramble; a NUL is appended after it, as MySQL sends it for mysql_native_password and
 * caching_sha2_password.
 */
export function encodeAuthSwitchRequest(pluginName: string, data: Uint8Array): Uint8Array {
  const w = new PacketWriter(64);
  writeAuthSwitchRequestPayload(w, pluginName, data);
  return w.take();
}

function writeAuthSwitchRequestPayload(w: PacketWriter, plugin: string, data: Uint8Array): void {
  w.int1(0xfe); // status tag
  w.nulString(plugin); // plugin name
  w.bytes(data); // plugin provided data
  w.int1(0); // trailing NUL of the scramble
}

/** Append Protocol::AuthMoreData as one packet. */
export function writeAuthMoreData(out: PacketOutput, data: Uint8Array): void {
  out.beginPacket();
  out.int1(0x01);
  out.bytes(data);
  out.endPacket();
}

/** Protocol::AuthMoreData payload: 0x01 then the data (caching_sha2 fast auth OK is 0x01 0x03). */
export function encodeAuthMoreData(data: Uint8Array): Uint8Array {
  const w = new PacketWriter(data.length + 1);
  w.int1(0x01);
  w.bytes(data);
  return w.take();
}
