/** The texts `--help`, `--version` and `--print-defaults` print, in mysqld's layout. */

import { formatVariable, SYSTEM_VARIABLES } from "../variables/system_variables.ts";
import { PROGRAM_NAME, SERVER_VERSION } from "../version.ts";
import { NOT_OPTIONS } from "./_option_names.ts";

const OPTIONS_HELP: ReadonlyArray<readonly [string, string]> = [
  ["-?, --help", "Display this help and exit."],
  ["-v, --verbose", "Accepted with --help, as mysqld takes it."],
  ["-V, --version", "Output version information and exit."],
  ["--print-defaults", "Print the options read from option files and exit."],
  ["--no-defaults", "Read no option files (the default: none are read unless named)."],
  ["--defaults-file=#", "Read options only from this file."],
  ["--defaults-extra-file=#", "Read this file after --defaults-file."],
  ["--initialize", "Create the data directory and a root account with a random password."],
  ["--initialize-insecure", "Create the data directory and root@localhost without password."],
  ["-P, --port=#", "Port number for TCP connections (default 3306)."],
  ["--bind-address=name", "IP address to listen on (default 127.0.0.1)."],
  ["-h, --datadir=name", "Path to the data directory (default ./data)."],
  ["--socket=name", "Unix socket to listen on as well (default: none)."],
  ["--log-error[=name]", "Error log file (default: stderr)."],
  ["--pid-file=name", "File to write the process id to."],
  ["-u, --user=name", "Accepted for compatibility; ignored."],
  ["--debug-leak-session", "Debug: leak the first session that ends (shutdown then fails)."],
  ["--loose-<option>", "Warn instead of failing if <option> is unknown."],
];

/** `--version`: `mydeno  Ver 8.0.36-mydeno-0.1.0 for Linux on x86_64 (mydeno)`. */
export function versionText(): string {
  return `${PROGRAM_NAME}  Ver ${SERVER_VERSION} for Linux on x86_64 (mydeno)\n`;
}

/**
 * `--help`: usage, the options, then every variable that can be given as an option with its
 * default (what `mysqld --verbose --help` ends with; mydeno always lists them).
 */
export function helpText(): string {
  const lines = [
    versionText().trimEnd(),
    "",
    `Usage: ${PROGRAM_NAME} [OPTIONS]`,
    "",
    "No option files are read unless --defaults-file or --defaults-extra-file is given;",
    "the groups [mysqld], [server], [mysqld-8.0], [mariadbd], [mariadb] and [mydeno] are read.",
    "Every system variable can be given as --name=value (- and _ are the same).",
    "",
  ];
  for (const [flag, text] of OPTIONS_HELP) lines.push(`  ${flag.padEnd(28)} ${text}`);
  lines.push(
    "",
    `${"Variables (--variable-name=value)".padEnd(56)} Default value`,
    `${"-".repeat(56)} ${"-".repeat(40)}`,
  );
  for (const def of SYSTEM_VARIABLES.values()) {
    if (def.scope === "session" || NOT_OPTIONS.has(def.name)) continue;
    const value = formatVariable(def, def.default);
    lines.push(
      `${def.name.replaceAll("_", "-").padEnd(56)} ${value === "" ? "(No default value)" : value}`,
    );
  }
  return lines.join("\n") + "\n";
}

/** `--print-defaults`: the arguments the option files add, as mysqld prints them. */
export function printDefaultsText(fileArguments: readonly string[]): string {
  return `${PROGRAM_NAME} would have been started with the following arguments:\n` +
    `${fileArguments.join(" ")} \n`;
}
