import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  generateScramble,
  nativePasswordHash,
  sha2PasswordHash,
  verifyCachingSha2Fast,
  verifyNativePassword,
} from "../../protocol/auth.ts";
import { hex, toHex, utf8 } from "./_hex.ts";

function digest(algo: string, ...parts: Uint8Array[]): Uint8Array {
  const h = createHash(algo);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  return a.map((x, i) => x ^ b[i]!);
}

/** What a client sends for mysql_native_password, computed as the client library does. */
function nativeClient(password: string, scramble: Uint8Array): Uint8Array {
  const stage1 = digest("sha1", utf8(password));
  return xor(stage1, digest("sha1", scramble, digest("sha1", stage1)));
}

/** What a client sends for caching_sha2_password fast auth. */
function sha2Client(password: string, scramble: Uint8Array): Uint8Array {
  const d1 = digest("sha256", utf8(password));
  return xor(d1, digest("sha256", digest("sha256", d1), scramble));
}

const SCRAMBLE = utf8("abcdefghijklmnopqrst");

Deno.test("generateScramble gives 20 printable 7-bit bytes, never NUL nor '$'", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const s = generateScramble();
    assert.equal(s.length, 20);
    for (const b of s) assert.ok(b >= 33 && b <= 126 && b !== 0x24, `byte ${b}`);
    seen.add(toHex(s));
  }
  assert.equal(seen.size, 200);
});

Deno.test("nativePasswordHash matches MySQL PASSWORD()", () => {
  // SELECT PASSWORD('secret') on MariaDB 11: *14E65567ABDB5135D0CFD9A70B3032C179A49EE7
  assert.equal(
    toHex(nativePasswordHash("secret")),
    toHex(hex("14E65567ABDB5135D0CFD9A70B3032C179A49EE7")),
  );
  assert.equal(nativePasswordHash("").length, 20);
});

Deno.test("verifyNativePassword accepts the right password only", () => {
  const stored = nativePasswordHash("s3cr€t");
  assert.ok(verifyNativePassword(SCRAMBLE, nativeClient("s3cr€t", SCRAMBLE), stored));
  assert.ok(!verifyNativePassword(SCRAMBLE, nativeClient("s3cr€T", SCRAMBLE), stored));
  const other = utf8("ABCDEFGHIJKLMNOPQRST");
  assert.ok(!verifyNativePassword(other, nativeClient("s3cr€t", SCRAMBLE), stored), "replay");
  assert.ok(!verifyNativePassword(SCRAMBLE, new Uint8Array(0), stored));
  assert.ok(!verifyNativePassword(SCRAMBLE, new Uint8Array(19), stored));
});

Deno.test("verifyNativePassword: an empty response matches only an empty password", () => {
  assert.ok(verifyNativePassword(SCRAMBLE, new Uint8Array(0), new Uint8Array(0)));
  assert.ok(verifyNativePassword(SCRAMBLE, new Uint8Array(0), nativePasswordHash("")));
  assert.ok(!verifyNativePassword(SCRAMBLE, nativeClient("x", SCRAMBLE), new Uint8Array(0)));
});

Deno.test("sha2PasswordHash is SHA256(SHA256(pw))", () => {
  // SELECT SHA2(UNHEX(SHA2('secret',256)),256) on MariaDB 11.
  assert.equal(
    toHex(sha2PasswordHash("secret")),
    toHex(hex("3881219d087dd9c634373fd33dfa33a2cb6bfc6c520b64b8bb60ef2ceb534ae7")),
  );
});

Deno.test("verifyCachingSha2Fast accepts the right password only", () => {
  const stored = sha2PasswordHash("pässword");
  assert.ok(verifyCachingSha2Fast(SCRAMBLE, sha2Client("pässword", SCRAMBLE), stored));
  assert.ok(!verifyCachingSha2Fast(SCRAMBLE, sha2Client("password", SCRAMBLE), stored));
  assert.ok(
    !verifyCachingSha2Fast(utf8("ABCDEFGHIJKLMNOPQRST"), sha2Client("pässword", SCRAMBLE), stored),
  );
  assert.ok(!verifyCachingSha2Fast(SCRAMBLE, new Uint8Array(31), stored));
  assert.ok(!verifyCachingSha2Fast(SCRAMBLE, new Uint8Array(0), stored));
  assert.ok(verifyCachingSha2Fast(SCRAMBLE, new Uint8Array(0), sha2PasswordHash("")));
  assert.ok(verifyCachingSha2Fast(SCRAMBLE, new Uint8Array(0), new Uint8Array(0)));
});
