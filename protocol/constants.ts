/**
 * Numbers of the MySQL classic protocol, spelled as MySQL spells them (include/mysql_com.h,
 * include/field_types.h, include/my_command.h).
 */

// --- Capability flags (Protocol::CapabilityFlags) ---

/** Use the improved version of Old Password Authentication (MariaDB calls it CLIENT_MYSQL). */
export const CLIENT_LONG_PASSWORD = 0x00000001;
/** Send found rows instead of affected rows in the OK packet. */
export const CLIENT_FOUND_ROWS = 0x00000002;
/** Get all column flags. */
export const CLIENT_LONG_FLAG = 0x00000004;
/** A database name may be given in the handshake response. */
export const CLIENT_CONNECT_WITH_DB = 0x00000008;
/** Do not allow database.table.column. */
export const CLIENT_NO_SCHEMA = 0x00000010;
/** Compression protocol supported. */
export const CLIENT_COMPRESS = 0x00000020;
/** ODBC client (no special behaviour any more). */
export const CLIENT_ODBC = 0x00000040;
/** LOAD DATA LOCAL can be used. */
export const CLIENT_LOCAL_FILES = 0x00000080;
/** Ignore spaces before '('. */
export const CLIENT_IGNORE_SPACE = 0x00000100;
/** The 4.1 protocol. */
export const CLIENT_PROTOCOL_41 = 0x00000200;
/** wait_timeout is interactive_timeout for this client. */
export const CLIENT_INTERACTIVE = 0x00000400;
/** Switch to SSL after the handshake (the client sends an SSLRequest first). */
export const CLIENT_SSL = 0x00000800;
/** Do not issue SIGPIPE (client side only). */
export const CLIENT_IGNORE_SIGPIPE = 0x00001000;
/** The client knows about transactions (status flags in OK). */
export const CLIENT_TRANSACTIONS = 0x00002000;
/** Deprecated 4.1 protocol flag. */
export const CLIENT_RESERVED = 0x00004000;
/** 4.1 authentication: a length-prefixed auth response (CLIENT_RESERVED2). */
export const CLIENT_SECURE_CONNECTION = 0x00008000;
/** Multiple statements per COM_QUERY. */
export const CLIENT_MULTI_STATEMENTS = 0x00010000;
/** Multiple result sets per COM_QUERY. */
export const CLIENT_MULTI_RESULTS = 0x00020000;
/** Multiple result sets per COM_STMT_EXECUTE. */
export const CLIENT_PS_MULTI_RESULTS = 0x00040000;
/** Authentication plugins. */
export const CLIENT_PLUGIN_AUTH = 0x00080000;
/** Connection attributes in the handshake response. */
export const CLIENT_CONNECT_ATTRS = 0x00100000;
/** A length-encoded auth response in the handshake response. */
export const CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA = 0x00200000;
/** The client can handle expired passwords. */
export const CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS = 0x00400000;
/** Session state tracking in OK packets. */
export const CLIENT_SESSION_TRACK = 0x00800000;
/** OK (header 0xFE) instead of EOF packets. */
export const CLIENT_DEPRECATE_EOF = 0x01000000;
/** The client can handle optional result set metadata. */
export const CLIENT_OPTIONAL_RESULTSET_METADATA = 0x02000000;
/** zstd compression. */
export const CLIENT_ZSTD_COMPRESSION_ALGORITHM = 0x04000000;
/** Query attributes in COM_QUERY and COM_STMT_EXECUTE. */
export const CLIENT_QUERY_ATTRIBUTES = 0x08000000;
/** Multi-factor authentication. */
export const MULTI_FACTOR_AUTHENTICATION = 0x10000000;
/** Reserved for extending the capability flags. */
export const CLIENT_CAPABILITY_EXTENSION = 0x20000000;
/** Verify the server certificate (client side only). */
export const CLIENT_SSL_VERIFY_SERVER_CERT = 0x40000000;
/** Do not reset options after a failed connect (client side only). */
export const CLIENT_REMEMBER_OPTIONS = 0x80000000;

// --- Command bytes (enum_server_command) ---

/** Internal server state. */
export const COM_SLEEP = 0x00;
/** Close the connection. */
export const COM_QUIT = 0x01;
/** Change the default database. */
export const COM_INIT_DB = 0x02;
/** Text protocol query. */
export const COM_QUERY = 0x03;
/** Column definitions of a table (deprecated). */
export const COM_FIELD_LIST = 0x04;
/** Create a database (deprecated). */
export const COM_CREATE_DB = 0x05;
/** Drop a database (deprecated). */
export const COM_DROP_DB = 0x06;
/** FLUSH commands (deprecated). */
export const COM_REFRESH = 0x07;
/** Shut the server down (deprecated). */
export const COM_SHUTDOWN = 0x08;
/** Human-readable status string. */
export const COM_STATISTICS = 0x09;
/** Process list (deprecated). */
export const COM_PROCESS_INFO = 0x0a;
/** Internal server state. */
export const COM_CONNECT = 0x0b;
/** Kill a connection (deprecated). */
export const COM_PROCESS_KILL = 0x0c;
/** Dump debug information. */
export const COM_DEBUG = 0x0d;
/** Check the server is alive. */
export const COM_PING = 0x0e;
/** Internal server state. */
export const COM_TIME = 0x0f;
/** Internal server state. */
export const COM_DELAYED_INSERT = 0x10;
/** Re-authenticate as another user. */
export const COM_CHANGE_USER = 0x11;
/** Replication: binlog dump. */
export const COM_BINLOG_DUMP = 0x12;
/** Replication: table dump. */
export const COM_TABLE_DUMP = 0x13;
/** Internal server state. */
export const COM_CONNECT_OUT = 0x14;
/** Replication: register a replica. */
export const COM_REGISTER_SLAVE = 0x15;
/** Prepare a statement. */
export const COM_STMT_PREPARE = 0x16;
/** Execute a prepared statement. */
export const COM_STMT_EXECUTE = 0x17;
/** Send a parameter's data in pieces. */
export const COM_STMT_SEND_LONG_DATA = 0x18;
/** Free a prepared statement (no response). */
export const COM_STMT_CLOSE = 0x19;
/** Reset a prepared statement's long data and cursor. */
export const COM_STMT_RESET = 0x1a;
/** Set MYSQL_OPTION_MULTI_STATEMENTS_ON/OFF. */
export const COM_SET_OPTION = 0x1b;
/** Fetch rows from a cursor. */
export const COM_STMT_FETCH = 0x1c;
/** Internal server state. */
export const COM_DAEMON = 0x1d;
/** Replication: binlog dump by GTID. */
export const COM_BINLOG_DUMP_GTID = 0x1e;
/** Reset the session state without re-authenticating. */
export const COM_RESET_CONNECTION = 0x1f;

/** COM_SET_OPTION argument: enable multi-statements. */
export const MYSQL_OPTION_MULTI_STATEMENTS_ON = 0;
/** COM_SET_OPTION argument: disable multi-statements. */
export const MYSQL_OPTION_MULTI_STATEMENTS_OFF = 1;

// --- Server status flags (SERVER_STATUS_flags_enum) ---

/** A transaction is active. */
export const SERVER_STATUS_IN_TRANS = 0x0001;
/** Autocommit mode is on. */
export const SERVER_STATUS_AUTOCOMMIT = 0x0002;
/** More result sets follow. */
export const SERVER_MORE_RESULTS_EXISTS = 0x0008;
/** The query used a bad index. */
export const SERVER_QUERY_NO_GOOD_INDEX_USED = 0x0010;
/** The query used no index. */
export const SERVER_QUERY_NO_INDEX_USED = 0x0020;
/** A read-only cursor was opened (COM_STMT_EXECUTE with a cursor). */
export const SERVER_STATUS_CURSOR_EXISTS = 0x0040;
/** The last row of a cursor was sent. */
export const SERVER_STATUS_LAST_ROW_SENT = 0x0080;
/** A database was dropped. */
export const SERVER_STATUS_DB_DROPPED = 0x0100;
/** sql_mode has NO_BACKSLASH_ESCAPES. */
export const SERVER_STATUS_NO_BACKSLASH_ESCAPES = 0x0200;
/** A prepared statement's result metadata changed. */
export const SERVER_STATUS_METADATA_CHANGED = 0x0400;
/** The query was slow. */
export const SERVER_QUERY_WAS_SLOW = 0x0800;
/** The result set holds OUT parameters. */
export const SERVER_PS_OUT_PARAMS = 0x1000;
/** A read-only transaction is active. */
export const SERVER_STATUS_IN_TRANS_READONLY = 0x2000;
/** Session state changed (CLIENT_SESSION_TRACK). */
export const SERVER_SESSION_STATE_CHANGED = 0x4000;

// --- Column types (enum_field_types) ---

/** DECIMAL (old). */
export const MYSQL_TYPE_DECIMAL = 0x00;
/** TINYINT. */
export const MYSQL_TYPE_TINY = 0x01;
/** SMALLINT. */
export const MYSQL_TYPE_SHORT = 0x02;
/** INT. */
export const MYSQL_TYPE_LONG = 0x03;
/** FLOAT. */
export const MYSQL_TYPE_FLOAT = 0x04;
/** DOUBLE. */
export const MYSQL_TYPE_DOUBLE = 0x05;
/** NULL. */
export const MYSQL_TYPE_NULL = 0x06;
/** TIMESTAMP. */
export const MYSQL_TYPE_TIMESTAMP = 0x07;
/** BIGINT. */
export const MYSQL_TYPE_LONGLONG = 0x08;
/** MEDIUMINT. */
export const MYSQL_TYPE_INT24 = 0x09;
/** DATE. */
export const MYSQL_TYPE_DATE = 0x0a;
/** TIME. */
export const MYSQL_TYPE_TIME = 0x0b;
/** DATETIME. */
export const MYSQL_TYPE_DATETIME = 0x0c;
/** YEAR. */
export const MYSQL_TYPE_YEAR = 0x0d;
/** Internal DATE. */
export const MYSQL_TYPE_NEWDATE = 0x0e;
/** VARCHAR. */
export const MYSQL_TYPE_VARCHAR = 0x0f;
/** BIT. */
export const MYSQL_TYPE_BIT = 0x10;
/** Internal TIMESTAMP with fractional seconds. */
export const MYSQL_TYPE_TIMESTAMP2 = 0x11;
/** Internal DATETIME with fractional seconds. */
export const MYSQL_TYPE_DATETIME2 = 0x12;
/** Internal TIME with fractional seconds. */
export const MYSQL_TYPE_TIME2 = 0x13;
/** Internal typed array. */
export const MYSQL_TYPE_TYPED_ARRAY = 0x14;
/** VECTOR (MySQL 9). */
export const MYSQL_TYPE_VECTOR = 0xf2;
/** Internal invalid type. */
export const MYSQL_TYPE_INVALID = 0xf3;
/** Internal boolean. */
export const MYSQL_TYPE_BOOL = 0xf4;
/** JSON. */
export const MYSQL_TYPE_JSON = 0xf5;
/** DECIMAL. */
export const MYSQL_TYPE_NEWDECIMAL = 0xf6;
/** ENUM. */
export const MYSQL_TYPE_ENUM = 0xf7;
/** SET. */
export const MYSQL_TYPE_SET = 0xf8;
/** TINYBLOB / TINYTEXT. */
export const MYSQL_TYPE_TINY_BLOB = 0xf9;
/** MEDIUMBLOB / MEDIUMTEXT. */
export const MYSQL_TYPE_MEDIUM_BLOB = 0xfa;
/** LONGBLOB / LONGTEXT. */
export const MYSQL_TYPE_LONG_BLOB = 0xfb;
/** BLOB / TEXT. */
export const MYSQL_TYPE_BLOB = 0xfc;
/** VARCHAR / VARBINARY as sent on the wire. */
export const MYSQL_TYPE_VAR_STRING = 0xfd;
/** CHAR / BINARY. */
export const MYSQL_TYPE_STRING = 0xfe;
/** GEOMETRY. */
export const MYSQL_TYPE_GEOMETRY = 0xff;

// --- Column definition flags ---

/** Column is NOT NULL. */
export const NOT_NULL_FLAG = 0x0001;
/** Column is part of the primary key. */
export const PRI_KEY_FLAG = 0x0002;
/** Column is part of a unique key. */
export const UNIQUE_KEY_FLAG = 0x0004;
/** Column is part of a non-unique key. */
export const MULTIPLE_KEY_FLAG = 0x0008;
/** Column is a BLOB or TEXT. */
export const BLOB_FLAG = 0x0010;
/** Column is UNSIGNED. */
export const UNSIGNED_FLAG = 0x0020;
/** Column is ZEROFILL. */
export const ZEROFILL_FLAG = 0x0040;
/** Column has a binary collation. */
export const BINARY_FLAG = 0x0080;
/** Column is an ENUM. */
export const ENUM_FLAG = 0x0100;
/** Column is AUTO_INCREMENT. */
export const AUTO_INCREMENT_FLAG = 0x0200;
/** Column is a TIMESTAMP. */
export const TIMESTAMP_FLAG = 0x0400;
/** Column is a SET. */
export const SET_FLAG = 0x0800;
/** Column has no default value. */
export const NO_DEFAULT_VALUE_FLAG = 0x1000;
/** Column is set to NOW on UPDATE. */
export const ON_UPDATE_NOW_FLAG = 0x2000;
/** Column is part of some key (internal). */
export const PART_KEY_FLAG = 0x4000;
/** Column is numeric. */
export const NUM_FLAG = 0x8000;

/** Bit in the second byte of a COM_STMT_EXECUTE parameter type: the value is unsigned. */
export const PARAM_UNSIGNED_FLAG = 0x80;

// --- COM_STMT_EXECUTE flags (enum_cursor_type) ---

/** No cursor: the result set is sent at once. */
export const CURSOR_TYPE_NO_CURSOR = 0x00;
/** Read-only cursor: rows are fetched with COM_STMT_FETCH. */
export const CURSOR_TYPE_READ_ONLY = 0x01;
/** Cursor for update. */
export const CURSOR_TYPE_FOR_UPDATE = 0x02;
/** Scrollable cursor. */
export const CURSOR_TYPE_SCROLLABLE = 0x04;
/** The parameter count is sent (CLIENT_QUERY_ATTRIBUTES). */
export const PARAMETER_COUNT_AVAILABLE = 0x08;

// --- Packet framing ---

/** Largest payload of one frame; a longer payload continues in the next frame. */
export const MAX_PACKET_FRAME = 0xffffff;
/** Protocol version byte of Protocol::HandshakeV10. */
export const PROTOCOL_VERSION = 10;
