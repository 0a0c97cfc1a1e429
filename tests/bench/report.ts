/** Formats benchmark results as a Markdown section for BENCHMARKS.md. */

/** One row of the comparison table; a side that did not run is undefined. */
export interface BenchRow {
  name: string;
  mydeno: number | undefined;
  mariadb: number | undefined;
}

/** Everything one benchmark run records. */
export interface BenchReport {
  date: string;
  mydenoVersion: string;
  mariadbVersion: string;
  machine: string;
  rows: BenchRow[];
  commands: string[];
}

function num(value: number | undefined): string {
  return value === undefined ? "-" : value.toFixed(value >= 100 ? 0 : 1);
}

function ratio(row: BenchRow): string {
  if (row.mydeno === undefined || row.mariadb === undefined || row.mariadb === 0) return "-";
  return (row.mydeno / row.mariadb).toFixed(2);
}

/** The Markdown section: heading, machine line, table, commands. */
export function formatReport(r: BenchReport): string {
  const lines = [
    `## ${r.date}: mydeno ${r.mydenoVersion} vs MariaDB ${r.mariadbVersion}`,
    "",
    `Machine: ${r.machine}. Both servers on 127.0.0.1, run one after the other.`,
    "",
    "| workload | mydeno qps | MariaDB qps | mydeno / MariaDB |",
    "| --- | ---: | ---: | ---: |",
    ...r.rows.map((row) =>
      `| ${row.name} | ${num(row.mydeno)} | ${num(row.mariadb)} | ${ratio(row)} |`
    ),
    "",
    "Commands (`$PORT` is the server's port):",
    "",
    "```sh",
    ...r.commands,
    "```",
    "",
  ];
  return lines.join("\n");
}
