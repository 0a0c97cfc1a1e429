import assert from "node:assert/strict";
import {
  decodeErr,
  decodeOk,
  encodeEof,
  encodeErr,
  encodeOk,
  writeEof,
  writeErr,
  writeOk,
} from "../../protocol/generic_response.ts";
import { PacketOutput } from "../../protocol/packet_writer.ts";
import { ProtocolError } from "../../protocol/protocol_error.ts";
import { toHex, utf8 } from "./_hex.ts";

function rejects(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof ProtocolError && e.code === code);
}

Deno.test("encodeOk lays out OK_Packet with lenenc counts and info as the rest", () => {
  assert.equal(
    toHex(encodeOk({ affectedRows: 1, lastInsertId: 300, statusFlags: 2 })),
    "00 01 fc 2c 01 02 00 00 00",
  );
  assert.equal(
    toHex(encodeOk({ affectedRows: 3, statusFlags: 0x0003, warnings: 1, info: "Records: 3" })),
    `00 03 00 03 00 01 00 ${toHex(utf8("Records: 3"))}`,
  );
  assert.equal(
    toHex(encodeOk({ lastInsertId: 2n ** 63n, statusFlags: 0 })),
    "00 00 fe 00 00 00 00 00 00 00 80 00 00 00 00",
  );
});

Deno.test("encodeOk: 0xFE header ends a result set; session track makes info lenenc", () => {
  assert.equal(toHex(encodeOk({ header: 0xfe, statusFlags: 0x22 })), "fe 00 00 22 00 00 00");
  assert.equal(
    toHex(encodeOk({ statusFlags: 2, info: "ab", sessionTrack: true })),
    "00 00 00 02 00 00 00 02 61 62",
  );
  assert.equal(toHex(encodeOk({ statusFlags: 2, sessionTrack: true })), "00 00 00 02 00 00 00");
});

Deno.test("writeOk frames the OK packet with the output's sequence id", () => {
  const out = new PacketOutput();
  out.sequenceId = 1;
  writeOk(out, { affectedRows: 0, statusFlags: 2 });
  assert.equal(toHex(out.take()), "07 00 00 01 00 00 00 02 00 00 00");
});

Deno.test("encodeErr lays out ERR_Packet with and without the SQLSTATE", () => {
  const message = "Table 'db.t' doesn't exist";
  assert.equal(
    toHex(encodeErr({ code: 1146, sqlState: "42S02", message })),
    `ff 7a 04 23 34 32 53 30 32 ${toHex(utf8(message))}`,
  );
  assert.equal(
    toHex(
      encodeErr({
        code: 1040,
        sqlState: "08004",
        message: "Too many connections",
        protocol41: false,
      }),
    ),
    `ff 10 04 ${toHex(utf8("Too many connections"))}`,
  );
  const out = new PacketOutput();
  out.sequenceId = 2;
  writeErr(out, { code: 1045, sqlState: "28000", message: "x" });
  assert.equal(toHex(out.take()), "0a 00 00 02 ff 15 04 23 32 38 30 30 30 78");
});

Deno.test("encodeEof lays out EOF_Packet: warnings then status", () => {
  assert.equal(toHex(encodeEof(2)), "fe 00 00 02 00");
  assert.equal(toHex(encodeEof(0x22, 1)), "fe 01 00 22 00");
  const out = new PacketOutput();
  out.sequenceId = 3;
  writeEof(out, 2);
  assert.equal(toHex(out.take()), "05 00 00 03 fe 00 00 02 00");
});

Deno.test("decodeOk and decodeErr read what the encoders write and reject cut input", () => {
  const ok = encodeOk({
    affectedRows: 70000,
    lastInsertId: 5,
    statusFlags: 3,
    warnings: 2,
    info: "hé",
  });
  assert.deepEqual(decodeOk(ok), {
    header: 0,
    affectedRows: 70000,
    lastInsertId: 5,
    statusFlags: 3,
    warnings: 2,
    info: "hé",
  });
  for (let len = 0; len < 9; len++) rejects(() => decodeOk(ok.subarray(0, len)), "truncated");
  rejects(() => decodeOk(Uint8Array.of(0xff)), "malformed");
  const err = encodeErr({ code: 1064, sqlState: "42000", message: "syntax" });
  assert.deepEqual(decodeErr(err), { code: 1064, sqlState: "42000", message: "syntax" });
  rejects(() => decodeErr(err.subarray(0, 2)), "truncated");
  rejects(() => decodeErr(err.subarray(0, 6)), "truncated");
  rejects(() => decodeErr(Uint8Array.of(0x00)), "malformed");
});
