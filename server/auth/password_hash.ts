/**
 * The password hashes the account tables keep, computed with node:crypto:
 * mysql_native_password's SHA1(SHA1(pw)), shown as `*` + 40 upper-case hex digits as MySQL's
 * authentication_string shows it, and caching_sha2_password's fast-path SHA256(SHA256(pw)).
 */

import { createHash } from "node:crypto";

function digest(algorithm: "sha1" | "sha256", data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(algorithm).update(data).digest());
}

/** SHA1(SHA1(password)), 20 bytes. */
export function nativeHash(password: string): Uint8Array {
  return digest("sha1", digest("sha1", new TextEncoder().encode(password)));
}

/** SHA256(SHA256(password)), 32 bytes. */
export function sha2Hash(password: string): Uint8Array {
  return digest("sha256", digest("sha256", new TextEncoder().encode(password)));
}

/** Bytes as upper-case hex. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out.toUpperCase();
}

/** Hex digits as bytes; null for "" or anything that is not even-length hex. */
export function fromHex(hex: string): Uint8Array | null {
  if (hex === "" || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** authentication_string of a mysql_native_password account: `*` + HEX(SHA1(SHA1(pw))), or "". */
export function nativeAuthString(password: string): string {
  return password === "" ? "" : `*${toHex(nativeHash(password))}`;
}
