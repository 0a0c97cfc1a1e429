// SCRATCH smoke implementation (temporary; replaced when engine/auth land)
import type { SessionServices } from "./session_services.ts";
import type { SqlSession, StatementResult } from "../sql/types.ts";
export interface OpenedServices extends SessionServices {
  globalChanged(name: string, value: string | number): void;
  close(): void;
}
export function openSessionServices(_options: { datadir: string }): OpenedServices {
  return {
    accounts: { findAccount: (user) => user === "root" ? { user, host: "localhost", nativeHash: new Uint8Array(0), sha2Hash: new Uint8Array(0) } : null },
    engine: {
      openSession(identity): SqlSession {
        const exec = (sql: string): StatementResult => {
          if (/^select/i.test(sql.trim())) return { kind: "rows", columns: [{ name: "1", orgName: "", table: "", orgTable: "", db: "", type: 8, flags: 129, length: 1, decimals: 0, charset: 63 }], rows: [[1]] };
          return { kind: "ok", affectedRows: 0, insertId: 0, warnings: 0, info: "" };
        };
        return {
          identity, currentDb: null, inTransaction: false, autocommit: true,
          splitStatements: (s) => s.split(";").filter((x) => x.trim()),
          execute: (s) => Promise.resolve(exec(s)),
          prepare: (s) => ({ info: { paramCount: (s.match(/\?/g) ?? []).length, columns: [] }, execute: () => Promise.resolve(exec(s)), close() {} }),
          useDatabase() {}, fieldList: () => [], getVariable: () => null, reset() {}, close() {},
        };
      },
    },
    globalChanged() {}, close() {},
  };
}
