/**
 * A bad startup option or option file. The message is mysqld's own wording (without the
 * "[ERROR]" level); whoever prints it adds `[ERROR] Aborting` as mysqld does.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}
