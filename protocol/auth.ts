/**
 * Password hashing and scramble checks for mysql_native_password and the fast path of
 * caching_sha2_password. Stored hashes are raw bytes: SHA1(SHA1(pw)) and SHA256(SHA256(pw)).
 */

import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Length of the scramble (auth-plugin-data) the server sends. */
export const SCRAMBLE_LENGTH = 20;

function sha1(...parts: Uint8Array[]): Uint8Array {
  const h = createHash("sha1");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

function toBytes(password: string | Uint8Array): Uint8Array {
  return typeof password === "string" ? new TextEncoder().encode(password) : password;
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * 20 random printable 7-bit bytes (33..126), never NUL nor '$': MySQL keeps the scramble free
 * of both because clients treat it as a C string and '$' separates fields in stored hashes.
 */
export function generateScramble(): Uint8Array {
  const raw = randomBytes(SCRAMBLE_LENGTH);
  const out = new Uint8Array(SCRAMBLE_LENGTH);
  for (let i = 0; i < SCRAMBLE_LENGTH; i++) {
    let c = 33 + (raw[i]! % 94);
    if (c === 0x24) c = 0x25; // '$'
    out[i] = c;
  }
  return out;
}

/** mysql_native_password stored hash: SHA1(SHA1(password)), 20 bytes. */
export function nativePasswordHash(password: string | Uint8Array): Uint8Array {
  return sha1(sha1(toBytes(password)));
}

const EMPTY_NATIVE_HASH = nativePasswordHash("");
const EMPTY_SHA2_HASH = sha256(sha256(new Uint8Array(0)));

/**
 * Check a mysql_native_password response: SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))).
 * An empty response matches only an empty password (stored hash empty or that of "").
 */
export function verifyNativePassword(
  scramble: Uint8Array,
  response: Uint8Array,
  storedHash: Uint8Array,
): boolean {
  if (response.length === 0) {
    return storedHash.length === 0 || equal(storedHash, EMPTY_NATIVE_HASH);
  }
  if (response.length !== 20 || storedHash.length !== 20) return false;
  const stage1 = xor(response, sha1(scramble, storedHash));
  return equal(sha1(stage1), storedHash);
}

/** caching_sha2_password stored hash for the fast path: SHA256(SHA256(password)), 32 bytes. */
export function sha2PasswordHash(password: string | Uint8Array): Uint8Array {
  return sha256(sha256(toBytes(password)));
}

/**
 * Check a caching_sha2_password fast-auth response:
 * XOR(SHA256(pw), SHA256(SHA256(SHA256(pw)) + scramble)). Recovers SHA256(pw) and compares its
 * SHA256 with the stored hash. An empty response matches only an empty password.
 */
export function verifyCachingSha2Fast(
  scramble: Uint8Array,
  response: Uint8Array,
  storedSha2: Uint8Array,
): boolean {
  if (response.length === 0) {
    return storedSha2.length === 0 || equal(storedSha2, EMPTY_SHA2_HASH);
  }
  if (response.length !== 32 || storedSha2.length !== 32) return false;
  const stage1 = xor(response, sha256(storedSha2, scramble));
  return equal(sha256(stage1), storedSha2);
}
