import assert from "node:assert/strict";
import {
  decodeStmtExecute,
  encodeBinaryRow,
  encodeStmtPrepareOk,
  peekStatementId,
  writeBinaryResultSet,
  writeBinaryRow,
  writeStmtPrepareOk,
} from "../../protocol/binary_protocol.ts";
import {
  MYSQL_TYPE_DATE,
  MYSQL_TYPE_DATETIME,
  MYSQL_TYPE_DOUBLE,
  MYSQL_TYPE_FLOAT,
  MYSQL_TYPE_LONG,
  MYSQL_TYPE_LONGLONG,
  MYSQL_TYPE_SHORT,
  MYSQL_TYPE_TIME,
  MYSQL_TYPE_TINY,
  MYSQL_TYPE_VAR_STRING,
  MYSQL_TYPE_YEAR,
  UNSIGNED_FLAG,
} from "../../protocol/constants.ts";
import { PacketOutput } from "../../protocol/packet_writer.ts";
import { ProtocolError } from "../../protocol/protocol_error.ts";
import type { ColumnDefinition41 } from "../../protocol/resultset.ts";
import { hex, toHex } from "./_hex.ts";

function rejects(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof ProtocolError && e.code === code);
}

function col(type: number, flags = 0): ColumnDefinition41 {
  return {
    db: "",
    table: "",
    orgTable: "",
    name: "c",
    orgName: "",
    charset: 63,
    length: 0,
    type,
    flags,
    decimals: 0,
  };
}

const C_DEF = "03 64 65 66 00 00 00 01 63 00 0c 3f 00 00 00 00 00 03 00 00 00 00 00"; // col(LONG)
const PARAM_DEF = "03 64 65 66 00 00 00 01 3f 00 0c 3f 00 00 00 00 00 fd 80 00 00 00 00";

Deno.test("encodeStmtPrepareOk lays out COM_STMT_PREPARE_OK", () => {
  const ok = encodeStmtPrepareOk({
    statementId: 1,
    paramCount: 2,
    columns: [col(MYSQL_TYPE_LONG)],
    warnings: 3,
    statusFlags: 2,
    deprecateEof: false,
  });
  assert.equal(toHex(ok), "00 01 00 00 00 01 00 02 00 00 03 00");
});

Deno.test("writeStmtPrepareOk follows with param and column definitions and EOFs", () => {
  const out = new PacketOutput();
  out.sequenceId = 1;
  const options = {
    statementId: 1,
    paramCount: 2,
    columns: [col(MYSQL_TYPE_LONG)],
    statusFlags: 2,
  };
  writeStmtPrepareOk(out, { ...options, deprecateEof: false });
  assert.equal(
    toHex(out.take()),
    toHex(hex(`
      0c 00 00 01 00 01 00 00 00 01 00 02 00 00 00 00
      17 00 00 02 ${PARAM_DEF}
      17 00 00 03 ${PARAM_DEF}
      05 00 00 04 fe 00 00 02 00
      17 00 00 05 ${C_DEF}
      05 00 00 06 fe 00 00 02 00`)),
  );
  out.sequenceId = 1;
  writeStmtPrepareOk(out, { ...options, deprecateEof: true });
  assert.equal(
    toHex(out.take()),
    toHex(hex(`
      0c 00 00 01 00 01 00 00 00 01 00 02 00 00 00 00
      17 00 00 02 ${PARAM_DEF}
      17 00 00 03 ${PARAM_DEF}
      17 00 00 04 ${C_DEF}`)),
  );
  out.sequenceId = 1;
  writeStmtPrepareOk(out, { ...options, paramCount: 0, columns: [], deprecateEof: false });
  assert.equal(toHex(out.take()), "0c 00 00 01 00 01 00 00 00 00 00 00 00 00 00 00");
});

Deno.test("peekStatementId reads the id after the command byte", () => {
  assert.equal(peekStatementId(hex("17 2a 00 00 00 00")), 42);
  rejects(() => peekStatementId(hex("17 2a 00")), "truncated");
});

const EXECUTE = hex(`
  17 07 00 00 00 00 01 00 00 00   # COM_STMT_EXECUTE, stmt 7, no cursor, 1 iteration
  00 02                           # NULL bitmap: param 9
  01                              # new params bound
  01 00 02 80 03 00 08 80 08 00 04 00 05 00 fd 00 fc 00 06 00 0c 00 0a 00 0b 00 f6 00
  ff                              # TINY -1
  ff ff                           # SHORT UNSIGNED 65535
  fe ff ff ff                     # LONG -2
  ff ff ff ff ff ff ff ff         # LONGLONG UNSIGNED 2^64-1
  05 00 00 00 00 00 00 00         # LONGLONG 5
  00 00 c0 3f                     # FLOAT 1.5
  00 00 00 00 00 00 00 c0         # DOUBLE -2
  03 68 c3 a9                     # VAR_STRING "hé"
  02 00 ff                        # BLOB
  0b e8 07 02 1d 0d 2d 3b 40 e2 01 00   # DATETIME 2024-02-29 13:45:59.123456
  04 e8 07 01 02                  # DATE 2024-01-02
  0c 01 01 00 00 00 02 03 04 05 00 00 00   # TIME -(1 day 2 h):03:04.000005
  04 31 2e 35 30                  # NEWDECIMAL "1.50"`);

Deno.test("decodeStmtExecute decodes every parameter type", () => {
  const e = decodeStmtExecute(EXECUTE, 14);
  assert.equal(e.statementId, 7);
  assert.equal(e.flags, 0);
  assert.equal(e.iterationCount, 1);
  assert.ok(e.newParamsBound);
  assert.deepEqual(e.types, [
    0x01,
    0x8002,
    0x03,
    0x8008,
    0x08,
    0x04,
    0x05,
    0xfd,
    0xfc,
    0x06,
    0x0c,
    0x0a,
    0x0b,
    0xf6,
  ]);
  assert.deepEqual(e.values, [
    -1,
    65535,
    -2,
    2n ** 64n - 1n,
    5,
    1.5,
    -2,
    "hé",
    hex("00 ff"),
    null,
    "2024-02-29 13:45:59.123456",
    "2024-01-02",
    "-26:03:04.000005",
    "1.50",
  ]);
});

Deno.test("decodeStmtExecute throws truncated for every cut of the payload", () => {
  for (let len = 0; len < EXECUTE.length; len++) {
    rejects(() => decodeStmtExecute(EXECUTE.subarray(0, len), 14), "truncated");
  }
});

Deno.test("decodeStmtExecute reuses previous types and skips long-data parameters", () => {
  const payload = hex(`
    17 01 00 00 00 00 01 00 00 00
    00                     # NULL bitmap
    00                     # no new types
    ff ff ff 7f            # param 0: LONG 2147483647 (param 1 came by SEND_LONG_DATA)
    08 00 00 00 00 00 00 00`);
  const e = decodeStmtExecute(payload, 3, {
    previousTypes: [0x03, 0xfc, 0x08],
    longDataParams: new Set([1]),
  });
  assert.ok(!e.newParamsBound);
  assert.deepEqual(e.types, [0x03, 0xfc, 0x08]);
  assert.deepEqual(e.values, [2147483647, null, 8]);
  rejects(() => decodeStmtExecute(payload, 3), "malformed");
  rejects(() => decodeStmtExecute(payload, 3, { previousTypes: [3] }), "malformed");
});

Deno.test("decodeStmtExecute: zero parameters, signed LONGLONG, zero-length temporals", () => {
  assert.deepEqual(decodeStmtExecute(hex("17 02 00 00 00 01 01 00 00 00"), 0), {
    statementId: 2,
    flags: 1,
    iterationCount: 1,
    newParamsBound: false,
    types: [],
    values: [],
  });
  const e = decodeStmtExecute(
    hex(`17 02 00 00 00 00 01 00 00 00 00 01 08 00 0c 00 0a 00 0b 00 0d 00
         00 00 00 00 00 00 00 80 | 00 | 00 | 00 | e8 07`),
    5,
  );
  assert.deepEqual(e.values, [-(2n ** 63n), "0000-00-00 00:00:00", "0000-00-00", "00:00:00", 2024]);
  rejects(
    () => decodeStmtExecute(hex("17 02 00 00 00 00 01 00 00 00 00 01 0e 00 00"), 1),
    "malformed",
  );
  rejects(
    () => decodeStmtExecute(hex("17 02 00 00 00 00 01 00 00 00 00 01 0c 00 05 00 00 00 00 00"), 1),
    "malformed",
  );
});

const ROW_COLUMNS = [
  col(MYSQL_TYPE_LONG),
  col(MYSQL_TYPE_LONGLONG, UNSIGNED_FLAG),
  col(MYSQL_TYPE_VAR_STRING),
  col(MYSQL_TYPE_DOUBLE),
  col(MYSQL_TYPE_DATETIME),
  col(MYSQL_TYPE_TIME),
  col(MYSQL_TYPE_DATE),
  col(MYSQL_TYPE_TINY),
  col(MYSQL_TYPE_LONG),
];

Deno.test("encodeBinaryRow lays out ProtocolBinary::ResultsetRow", () => {
  const row = [
    -1,
    2n ** 64n - 1n,
    "ab",
    0.5,
    "2024-02-29 13:45:59",
    "-26:03:04",
    "0000-00-00",
    7,
    null,
  ];
  assert.equal(
    toHex(encodeBinaryRow(row, ROW_COLUMNS)),
    toHex(hex(`
      00                          # header
      00 04                       # NULL bitmap, offset 2: column 8 → bit 10
      ff ff ff ff                 # LONG -1
      ff ff ff ff ff ff ff ff     # LONGLONG UNSIGNED max
      02 61 62                    # "ab"
      00 00 00 00 00 00 e0 3f     # DOUBLE 0.5
      07 e8 07 02 1d 0d 2d 3b     # DATETIME without micros: length 7
      08 01 01 00 00 00 02 03 04  # TIME -26:03:04
      00                          # zero DATE: length 0
      07                          # TINY 7`)),
  );
});

Deno.test("encodeBinaryRow: temporal lengths, small ints, floats and text numbers", () => {
  const cols = [
    col(MYSQL_TYPE_DATETIME),
    col(MYSQL_TYPE_DATE),
    col(MYSQL_TYPE_DATETIME),
    col(MYSQL_TYPE_TIME),
    col(MYSQL_TYPE_TIME),
    col(MYSQL_TYPE_SHORT),
    col(MYSQL_TYPE_YEAR),
    col(MYSQL_TYPE_FLOAT),
    col(MYSQL_TYPE_VAR_STRING),
    col(MYSQL_TYPE_LONGLONG),
  ];
  const row = [
    "2024-01-02 03:04:05.5",
    "2024-01-02",
    "2024-01-02 00:00:00",
    "00:00:00",
    "838:59:59.000001",
    -2,
    2024,
    1.5,
    1.5,
    "-9223372036854775808",
  ];
  assert.equal(
    toHex(encodeBinaryRow(row, cols)),
    toHex(hex(`
      00 00 00                    # header, 2-byte NULL bitmap
      0b e8 07 01 02 03 04 05 20 a1 07 00
      04 e8 07 01 02
      04 e8 07 01 02
      00
      0c 00 22 00 00 00 16 3b 3b 01 00 00 00
      fe ff
      e8 07
      00 00 c0 3f
      03 31 2e 35
      00 00 00 00 00 00 00 80`)),
  );
});

Deno.test("writeBinaryRow drops the packet and throws malformed on an unencodable value", () => {
  const out = new PacketOutput();
  out.packet(hex("01"));
  rejects(() => writeBinaryRow(out, ["yesterday"], [col(MYSQL_TYPE_DATETIME)]), "malformed");
  rejects(() => writeBinaryRow(out, ["1.5"], [col(MYSQL_TYPE_LONGLONG)]), "malformed");
  assert.equal(toHex(out.take()), "01 00 00 00 01");
});

Deno.test("writeBinaryResultSet frames metadata, binary rows and the final OK", () => {
  const out = new PacketOutput();
  out.sequenceId = 1;
  writeBinaryResultSet(out, { columns: [col(MYSQL_TYPE_LONG)], rows: [[5], [null]] }, {
    statusFlags: 2,
    deprecateEof: true,
  });
  assert.equal(
    toHex(out.take()),
    toHex(hex(`
      01 00 00 01 01
      17 00 00 02 ${C_DEF}
      06 00 00 03 00 00 05 00 00 00
      02 00 00 04 00 04
      07 00 00 05 fe 00 00 02 00 00 00`)),
  );
});

Deno.test("decodeStmtExecute reads a real npm mysql2 COM_STMT_EXECUTE", () => {
  // mysql2 3.24 executing `x ? ? ? ? ? ? ? ? ?` with
  // [1, -2, 2n ** 63n, 1.5, "hé", Buffer [0, 255], null, Date 2024-02-29T13:45:59.123Z, true].
  const payload = hex(
    "1701000000000100000040000105000500fd000500fd00fc0006000c000100000000000000f03f00000000000000" +
      "c01339323233333732303336383534373735383038000000000000f83f0368c3a90200ff0be807021d0d2d3b78" +
      "e0010001",
  );
  const e = decodeStmtExecute(payload, 9);
  assert.deepEqual(e.types, [0x05, 0x05, 0xfd, 0x05, 0xfd, 0xfc, 0x06, 0x0c, 0x01]);
  assert.deepEqual(e.values, [
    1,
    -2,
    "9223372036854775808",
    1.5,
    "hé",
    hex("00 ff"),
    null,
    "2024-02-29 13:45:59.123000",
    1,
  ]);
});
