import assert from "node:assert/strict";
import {
  decodeToken,
  decodeTokens,
  encodedLength,
  encodeError,
  encodeResponse,
  splitLines,
} from "../../protocol/handlersocket.ts";

const enc = new TextEncoder();
const bytes = (...b: number[]) => new Uint8Array(b);

Deno.test("handlersocket: lines split on LF, one CR before it dropped, partial line kept", () => {
  const buf = enc.encode("P\t1\td\r\n1\t=\t1\t5\n1\t=");
  const { lines, consumed, overlong } = splitLines(buf, 100);
  assert.deepEqual(lines.map((l) => new TextDecoder().decode(l)), ["P\t1\td", "1\t=\t1\t5"]);
  assert.equal(consumed, 15);
  assert.equal(overlong, false);
});

Deno.test("handlersocket: an overlong line stops the split", () => {
  assert.equal(splitLines(enc.encode("12345678\n"), 4).overlong, true);
  assert.equal(splitLines(enc.encode("1234\n12345678"), 4).overlong, true);
  assert.deepEqual(splitLines(enc.encode("1234\n1"), 4).consumed, 5);
});

Deno.test("handlersocket: tokens split on HT; NULL, empty and escaped tokens", () => {
  const line = bytes(0x50, 0x09, 0x00, 0x09, 0x09, 0x01, 0x43, 0x41, 0x09);
  assert.deepEqual(decodeTokens(line), [
    bytes(0x50),
    null,
    bytes(),
    bytes(0x03, 0x41),
    bytes(),
  ]);
  assert.deepEqual(decodeTokens(bytes()), [bytes()]);
  // 0x00 inside a longer token is a plain byte; an escape at the very end is kept.
  assert.deepEqual(decodeToken(bytes(0x41, 0x00)), bytes(0x41, 0x00));
  assert.deepEqual(decodeToken(bytes(0x41, 0x01)), bytes(0x41, 0x01));
});

Deno.test("handlersocket: every byte value round-trips through encode and decode", () => {
  const all = new Uint8Array(256).map((_v, i) => i);
  const line = encodeResponse(0, 1, [all]);
  assert.equal(line.length, "0\t1\t".length + 256 + 16 + 1);
  // No raw byte below 0x10 other than the separators and escapes is on the wire.
  const body = line.subarray(4, line.length - 1);
  for (let i = 0; i < body.length; i++) {
    if (body[i]! < 0x10) assert.equal(body[i], 0x01, `raw byte at ${i}`);
  }
  assert.deepEqual(decodeTokens(body), [all]);
});

Deno.test("handlersocket: responses in the original's golden bytes", () => {
  assert.deepEqual(encodeResponse(0, 1, []), enc.encode("0\t1\n"));
  assert.deepEqual(
    encodeResponse(0, 3, [enc.encode("1"), enc.encode("1"), enc.encode("a"), null]),
    bytes(0x30, 0x09, 0x33, 0x09, 0x31, 0x09, 0x31, 0x09, 0x61, 0x09, 0x00, 0x0a),
  );
  assert.deepEqual(
    encodeResponse(0, 2, [enc.encode("200"), bytes(0x00, 0x01, 0x0f, 0x10, 0xff)]),
    bytes(
      ...enc.encode("0\t2\t200\t"),
      0x01,
      0x40,
      0x01,
      0x41,
      0x01,
      0x4f,
      0x10,
      0xff,
      0x0a,
    ),
  );
  assert.deepEqual(encodeError(2, "kpnum"), enc.encode("2\t1\tkpnum\n"));
  assert.equal(encodedLength(null), 1);
  assert.equal(encodedLength(bytes(1, 2, 0x20)), 5);
});
