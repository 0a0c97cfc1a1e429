import assert from "node:assert/strict";
import { MYSQL_TYPE_DOUBLE, MYSQL_TYPE_FLOAT, MYSQL_TYPE_LONG } from "../../protocol/constants.ts";
import { PacketOutput } from "../../protocol/packet_writer.ts";
import {
  type ColumnDefinition41,
  encodeColumnDefinition41,
  encodeTextRow,
  writeColumnCount,
  writeColumnDefinition41,
  writeTextResultSet,
  writeTextRow,
} from "../../protocol/resultset.ts";
import { hex, toHex } from "./_hex.ts";

const ID: ColumnDefinition41 = {
  db: "test",
  table: "t",
  orgTable: "t",
  name: "id",
  orgName: "id",
  charset: 63,
  length: 11,
  type: MYSQL_TYPE_LONG,
  flags: 0x0003,
  decimals: 0,
};

const ID_DEF = toHex(hex(`
  03 64 65 66         # catalog "def"
  04 74 65 73 74      # schema "test"
  01 74               # table "t"
  01 74               # org_table "t"
  02 69 64            # name "id"
  02 69 64            # org_name "id"
  0c                  # length of fixed fields
  3f 00               # charset 63
  0b 00 00 00         # column length 11
  03                  # type LONG
  03 00               # flags NOT_NULL | PRI_KEY
  00                  # decimals
  00 00               # filler`));

Deno.test("encodeColumnDefinition41 lays out Protocol::ColumnDefinition41", () => {
  assert.equal(toHex(encodeColumnDefinition41(ID)), ID_DEF);
});

Deno.test("writeColumnDefinition41 appends a COM_FIELD_LIST default when given", () => {
  const out = new PacketOutput();
  writeColumnDefinition41(out, ID, "5");
  writeColumnDefinition41(out, ID, null);
  const b = out.take();
  assert.equal(toHex(b.subarray(0, 4)), "22 00 00 00");
  assert.equal(toHex(b.subarray(4, 38)), `${ID_DEF} 01 35`);
  assert.equal(toHex(b.subarray(38, 42)), "21 00 00 01");
  assert.equal(toHex(b.subarray(42)), `${ID_DEF} fb`);
});

Deno.test("writeColumnCount writes a lenenc count packet", () => {
  const out = new PacketOutput();
  out.sequenceId = 1;
  writeColumnCount(out, 3);
  writeColumnCount(out, 300);
  assert.equal(toHex(out.take()), "01 00 00 01 03 03 00 00 02 fc 2c 01");
});

Deno.test("encodeTextRow writes every value as lenenc text, NULL as 0xfb", () => {
  const row = ["a", 1, null, 1.5, 10n, hex("00 ff"), "é", -7, ""];
  assert.equal(
    toHex(encodeTextRow(row, null)),
    "01 61 01 31 fb 03 31 2e 35 02 31 30 02 00 ff 02 c3 a9 02 2d 37 00",
  );
});

Deno.test("encodeTextRow formats FLOAT and DOUBLE columns as MySQL does", () => {
  const cols = [{ ...ID, type: MYSQL_TYPE_FLOAT }, { ...ID, type: MYSQL_TYPE_DOUBLE }, ID];
  assert.equal(
    toHex(encodeTextRow([Math.fround(3.14), 1e20, 1e16], cols)),
    "04 33 2e 31 34 04 31 65 32 30 11 31 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30",
  );
});

Deno.test("writeTextResultSet with EOF packets", () => {
  const out = new PacketOutput();
  out.sequenceId = 1;
  writeTextResultSet(out, { columns: [ID], rows: [[7], [null]] }, {
    statusFlags: 2,
    deprecateEof: false,
  });
  assert.equal(
    toHex(out.take()),
    toHex(hex(`
      01 00 00 01 01                 # column count
      20 00 00 02 ${ID_DEF}          # column definition
      05 00 00 03 fe 00 00 02 00     # EOF
      02 00 00 04 01 37              # row "7"
      01 00 00 05 fb                 # row NULL
      05 00 00 06 fe 00 00 02 00     # EOF`)),
  );
});

Deno.test("writeTextResultSet under CLIENT_DEPRECATE_EOF ends with OK 0xFE", () => {
  const out = new PacketOutput();
  out.sequenceId = 1;
  writeTextResultSet(out, { columns: [ID], rows: [["x"]] }, {
    statusFlags: 0x22,
    warnings: 1,
    deprecateEof: true,
  });
  assert.equal(
    toHex(out.take()),
    toHex(hex(`
      01 00 00 01 01
      20 00 00 02 ${ID_DEF}
      02 00 00 03 01 78
      07 00 00 04 fe 00 00 22 00 01 00   # OK: affected 0, insert id 0, status, warnings`)),
  );
});

Deno.test("writeTextRow handles a row larger than one frame", () => {
  const out = new PacketOutput();
  writeTextRow(out, ["z".repeat(0xffffff)], null);
  const b = out.take();
  // payload = fd ff ff ff + 0xffffff bytes = 0x1000003 bytes: frames 0xffffff and 4.
  assert.equal(toHex(b.subarray(0, 8)), "ff ff ff 00 fd ff ff ff");
  assert.equal(toHex(b.subarray(4 + 0xffffff, 4 + 0xffffff + 4)), "04 00 00 01");
  assert.equal(b.length, 0x1000003 + 8);
});
