/**
 * sysbench's `sbtest1`, made by the HandlerSocket benchmarks without sysbench: the same
 * columns and key, `rows` rows of fixed-width text, ids 1..rows. Each statement goes to
 * whatever runs SQL (a server connection or an in-process engine session).
 */

/** CREATE DATABASE, CREATE TABLE and the INSERTs (1000 rows each), in order. */
export function* sbtestStatements(rows: number): Generator<string> {
  yield "CREATE DATABASE sbtest";
  yield "CREATE TABLE sbtest.sbtest1 (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, k INT NOT NULL " +
    "DEFAULT 0, c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', KEY k_1 (k))";
  for (let start = 1; start <= rows; start += 1000) {
    const values: string[] = [];
    for (let id = start; id < Math.min(start + 1000, rows + 1); id++) {
      values.push(`(${id}, ${(id * 7919) % rows}, '${"c".repeat(119)}', '${"p".repeat(59)}')`);
    }
    yield `INSERT INTO sbtest.sbtest1 (id, k, c, pad) VALUES ${values.join(",")}`;
  }
}
