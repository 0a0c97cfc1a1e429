/**
 * LineVio (server/vio/line_vio.ts): runs of whole lines are handed over as they complete, a line
 * longer than the read buffer grows it (and it shrinks back after), a line over `maxLine` ends
 * the connection after the lines before it are answered.
 */

import assert from "node:assert/strict";
import { LineVio } from "../../server/vio/line_vio.ts";

const encoder = new TextEncoder();

async function pair(): Promise<[Deno.TcpConn, Deno.TcpConn]> {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const client = Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const server = await listener.accept();
  return [server, await client];
}

/** Read until `count` LFs arrived; the text. */
async function readLines(conn: Deno.Conn, count: number): Promise<string> {
  const buf = new Uint8Array(1 << 16);
  let text = "";
  while (text.split("\n").length - 1 < count) {
    const n = await conn.read(buf);
    if (n === null) break;
    text += new TextDecoder().decode(buf.subarray(0, n));
  }
  return text;
}

Deno.test("LineVio: long lines grow the buffer, short ones after them still answer in order", async () => {
  const [server, client] = await pair();
  const vio = new LineVio(server, { maxLine: 1 << 20, idleTimeoutMs: 0 });
  const seen: number[] = [];
  // Answer each line with its length.
  const ended = vio.run((lines) => {
    let out = "";
    let start = 0;
    for (let lf = lines.indexOf(0x0a); lf >= 0; lf = lines.indexOf(0x0a, start)) {
      seen.push(lf - start);
      out += `${lf - start}\n`;
      start = lf + 1;
    }
    return encoder.encode(out);
  });
  const long = "x".repeat(100_000);
  // A long line split over writes, then short ones in the same write as its end.
  await client.write(encoder.encode(long.slice(0, 30_000)));
  await client.write(encoder.encode(long.slice(30_000) + "\nab\ncde\n"));
  assert.equal(await readLines(client, 3), "100000\n2\n3\n");
  await client.write(encoder.encode("f\n" + long + "\ng"));
  await client.write(encoder.encode("h\n"));
  assert.equal(await readLines(client, 3), "1\n100000\n2\n");
  // Over maxLine: the lines before it are answered, then the connection ends.
  await client.write(encoder.encode("ok\n" + "y".repeat((1 << 20) + 10)));
  assert.equal(await readLines(client, 1), "2\n");
  assert.equal(await ended, "overlong");
  vio.close();
  assert.deepEqual(seen, [100000, 2, 3, 1, 100000, 2, 2]);
  client.close();
});
