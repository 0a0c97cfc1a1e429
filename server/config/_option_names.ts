/** Names shared by the option parser and the help text. Private to server/config. */

/** Variables mysqld does not take as options: computed ones (session-only ones neither). */
export const NOT_OPTIONS: ReadonlySet<string> = new Set([
  "character_set_system",
  "have_compress",
  "have_dynamic_loading",
  "have_geometry",
  "have_openssl",
  "have_profiling",
  "have_query_cache",
  "have_rtree_keys",
  "have_ssl",
  "have_statement_timeout",
  "have_symlink",
  "hostname",
  "innodb_version",
  "large_files_support",
  "license",
  "lower_case_file_system",
  "protocol_version",
  "server_uuid",
  "system_time_zone",
  "version",
  "version_comment",
  "version_compile_machine",
  "version_compile_os",
  "version_compile_zlib",
]);
