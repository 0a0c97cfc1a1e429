import assert from "node:assert/strict";
import {
  decodeToken,
  decodeTokens,
  encodedLength,
  encodeError,
  encodeResponse,
  HsResponseWriter,
} from "../../protocol/handlersocket.ts";

const enc = new TextEncoder();
const bytes = (...b: number[]) => new Uint8Array(b);

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

Deno.test("handlersocket: the response writer writes encodeResponse's bytes", () => {
  const texts = [
    "",
    "a",
    "1\t2\n",
    "\x00\x0f\x10",
    "Grüße",
    "€ 😀 \ud800 x\x01",
    "é\x02".repeat(50),
  ];
  const w = new HsResponseWriter(1);
  w.reset(3);
  w.head(0, texts.length);
  for (const t of texts) w.text(t);
  w.end();
  w.head(1, 1);
  w.token(null);
  w.token(bytes(0x00, 0x01, 0x0f, 0x10, 0xff));
  w.token(bytes());
  w.end();
  w.raw(encodeError(2, "kpnum"));
  assert.equal(w.length, w.bytes().length);
  assert.deepEqual(
    w.bytes().subarray(3),
    bytes(
      ...encodeResponse(0, texts.length, texts.map((t) => enc.encode(t))),
      ...encodeResponse(1, 1, [null, bytes(0x00, 0x01, 0x0f, 0x10, 0xff), bytes()]),
      ...enc.encode("2\t1\tkpnum\n"),
    ),
  );
  // Golden bytes: escapes inside text, NULL, a multi-byte character.
  w.reset();
  w.head(0, 3);
  w.text("a\x03");
  w.token(null);
  w.text("é");
  w.end();
  assert.deepEqual(
    w.bytes(),
    bytes(0x30, 0x09, 0x33, 0x09, 0x61, 0x01, 0x43, 0x09, 0x00, 0x09, 0xc3, 0xa9, 0x0a),
  );
});

Deno.test("handlersocket: the response writer starts over small after a large answer", () => {
  const w = new HsResponseWriter(16);
  w.reset(4);
  w.head(0, 1);
  w.text("x".repeat(10_000));
  w.end();
  assert.equal(w.length, 4 + 4 + 10_000 + 1);
  w.reset(4);
  assert.equal(w.length, 4);
  w.head(0, 1);
  w.end();
  assert.deepEqual(w.bytes().subarray(4), enc.encode("0\t1\n"));
});
