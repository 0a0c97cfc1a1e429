/** A raw HandlerSocket client for tests: send lines, read answer lines. */

const enc = new TextEncoder();

/** A HandlerSocket connection to `port`; dispose with `using`. */
export class HsClient implements Disposable {
  readonly #conn: Deno.Conn;
  #buf = new Uint8Array(0);

  private constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  static async connect(port: number): Promise<HsClient> {
    return new HsClient(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  /** Send raw bytes. */
  async write(bytes: Uint8Array | string): Promise<void> {
    let data = typeof bytes === "string" ? enc.encode(bytes) : bytes;
    while (data.length > 0) data = data.subarray(await this.#conn.write(data));
  }

  /** Read one answer line (without LF) as bytes; null when the server closed. */
  async readLine(): Promise<Uint8Array | null> {
    for (;;) {
      const lf = this.#buf.indexOf(0x0a);
      if (lf >= 0) {
        const line = this.#buf.slice(0, lf);
        this.#buf = this.#buf.slice(lf + 1);
        return line;
      }
      const chunk = new Uint8Array(65536);
      const n = await this.#conn.read(chunk);
      if (n === null) return null;
      const next = new Uint8Array(this.#buf.length + n);
      next.set(this.#buf);
      next.set(chunk.subarray(0, n), this.#buf.length);
      this.#buf = next;
    }
  }

  /** Read whatever arrives next into `buf` (after any buffered bytes); the byte count, or null
   * when the server closed. For load loops that count answers themselves. */
  async readInto(buf: Uint8Array): Promise<number | null> {
    if (this.#buf.length > 0) {
      const n = Math.min(this.#buf.length, buf.length);
      buf.set(this.#buf.subarray(0, n));
      this.#buf = this.#buf.slice(n);
      return n;
    }
    return await this.#conn.read(buf);
  }

  /** Send each line (LF added) and read one answer each, as text. */
  async ask(...lines: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const l of lines) {
      await this.write(l + "\n");
      const a = await this.readLine();
      out.push(a === null ? "<closed>" : new TextDecoder().decode(a));
    }
    return out;
  }

  [Symbol.dispose](): void {
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
  }
}
