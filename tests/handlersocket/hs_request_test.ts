import assert from "node:assert/strict";
import { decodeTokens } from "../../protocol/handlersocket.ts";
import {
  parseIndexRequest,
  PointFindScan,
  tokenNumber,
} from "../../server/handlersocket/hs_request.ts";
import { intToken, tokenValue } from "../../server/handlersocket/hs_sql.ts";

const enc = new TextEncoder();

Deno.test("handlersocket request: the point-find scan agrees with the general parser", () => {
  const accepted = [
    "1\t=\t1\t5",
    "1\t=\t1\t",
    "01\t=\t2\ta\tb",
    "7\t=\t1\tGrüße",
    "1\t=\t1\t5\t10",
    "1\t=\t1\t5\t10\t2",
    "1\t=\t1\t5\t0\t0",
    "1\t=\t1\t\x00x",
  ];
  const rejected = [
    "1\t>\t1\t5",
    "1\t=\t1\t\x00",
    "1\t=\t1\t\x01\x43",
    "1\t=\t2\t5",
    "1\t=\t0",
    "1\t=\t1\t5\t",
    "1\t=\t1\t5\t1x",
    "1\t=\t1\t5\t1\t0\tU\t1",
    "1\t=\t1\t5\t1\t0\t@\t0\t1\t2",
    "1\t=\t1\t5\tF\t=\t0\t1",
    "1x\t=\t1\t5",
    "+1\t=\t1\t5",
    "1\t=\t+1\t5",
    "1\t+\t1\t5",
    "1234567890\t=\t1\t5",
    "P\t1\td\tt\tPRIMARY\tid",
    "",
  ];
  const scan = new PointFindScan();
  for (const text of accepted) {
    const line = enc.encode(text);
    assert.ok(scan.scan(line), text);
    const parsed = parseIndexRequest(decodeTokens(line), { keyParts: 4, fcolumns: 1 }, true);
    assert.equal(parsed.kind, "find", text);
    if (parsed.kind !== "find") continue;
    assert.equal(scan.indexId, tokenNumber(decodeTokens(line)[0]), text);
    assert.equal(parsed.op, "=");
    assert.equal(scan.keys, parsed.keys.length, text);
    assert.equal(scan.limit, parsed.limit, text);
    assert.equal(scan.offset, parsed.offset, text);
    assert.equal(parsed.inColumn, null);
    assert.deepEqual(parsed.filters, []);
    assert.equal(parsed.modify, null);
    for (let i = 0; i < scan.keys; i++) {
      const key = line.subarray(scan.starts[i], scan.ends[i]);
      assert.deepEqual(tokenValue(key), tokenValue(parsed.keys[i]!), text);
    }
  }
  for (const text of rejected) assert.equal(scan.scan(enc.encode(text)), false, text);
});

Deno.test("handlersocket request: key tokens become text when UTF-8, bytes otherwise", () => {
  assert.equal(tokenValue(null), null);
  assert.equal(tokenValue(enc.encode("abc")), "abc");
  assert.equal(tokenValue(enc.encode("Grüße")), "Grüße");
  assert.equal(tokenValue(enc.encode("x".repeat(40))), "x".repeat(40));
  assert.deepEqual(tokenValue(new Uint8Array([0x61, 0xff])), new Uint8Array([0x61, 0xff]));
});

Deno.test("handlersocket request: key tokens in canonical decimal form read as numbers", () => {
  const read = (text: string) => intToken(enc.encode(`k${text}k`), 1, 1 + text.length);
  for (const [text, n] of [["0", 0], ["7", 7], ["-5", -5], ["123456789012345", 123456789012345]]) {
    assert.equal(read(text as string), n, text as string);
  }
  // Anything whose text SQLite would read differently stays text.
  for (
    const text of ["", "-", "-0", "007", "+7", "7.0", " 7", "7 ", "1e3", "1234567890123456", "x"]
  ) {
    assert.equal(read(text), null, text);
  }
});
