/**
 * COM_STMT_PREPARE statements: DML is compiled once at prepare (its plan gives the parameter
 * count and result columns) and recompiled when the catalog changes; other statements run
 * through the text path with their parameters.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import { type Token, tokenize } from "./lexer.ts";
import type { PreparedInfo, PreparedStatement, SqlValue, StatementResult } from "./types.ts";
import type { Plan } from "./plan.ts";
import { DML_WORDS } from "./dml_compiler.ts";
import { digest } from "./digest.ts";
import { expressionMeta } from "./column_meta.ts";
import type { Outcome, Session } from "./session.ts";
import { runPlanWithViews } from "./dml_statement.ts";

/** A prepared statement of a session. */
export class SessionPrepared implements PreparedStatement {
  readonly info: PreparedInfo;
  #session: Session;
  #sql: string;
  #tokens: Token[];
  #plan: Plan | null = null;
  #epoch: number;
  #literals: readonly unknown[];
  #onClose: () => void;
  #closed = false;

  constructor(session: Session, sql: string, onClose: () => void) {
    this.#session = session;
    this.#sql = sql;
    this.#onClose = onClose;
    this.#tokens = tokenize(sql);
    const first = this.#tokens[0]!;
    if (first.kind === "eof") throw new MysqlError(ER.ER_EMPTY_QUERY, "Query was empty");
    const paramCount = this.#tokens.filter((t) => t.kind === "param").length;
    this.#literals = digest(this.#tokens, "").literals;
    this.#epoch = session.engine.catalog.epoch;
    const dml = (first.kind === "word" && DML_WORDS.has(first.upper)) ||
      (first.kind === "op" && first.value === "(");
    let columns: import("./types.ts").ColumnMeta[] = [];
    if (dml) {
      this.#plan = session.planFor(sql, this.#tokens);
      columns = this.#plan.columns.map((c, i) =>
        c ?? expressionMeta(this.#plan!.stmt.columns()[i]!.name, "")
      );
    }
    this.info = { paramCount, columns };
  }

  async execute(params: SqlValue[]): Promise<StatementResult> {
    return await this.#run(params);
  }

  run(params: readonly SqlValue[]): Outcome {
    return this.#run(params);
  }

  #run(params: readonly SqlValue[]): Outcome {
    if (this.#closed) {
      throw new MysqlError(
        ER.ER_UNKNOWN_STMT_HANDLER,
        "Unknown prepared statement handler given to mysqld_stmt_execute",
      );
    }
    if (params.length !== this.info.paramCount) {
      throw new MysqlError(ER.ER_WRONG_ARGUMENTS, "Incorrect arguments to mysqld_stmt_execute");
    }
    if (!this.#plan) return this.#session.executeSync(this.#sql, params, this.#tokens);
    const s = this.#session;
    return s.runPrepared(
      () => {
        if (s.engine.catalog.epoch !== this.#epoch || this.#plan === null) {
          this.#plan = s.planFor(this.#sql, this.#tokens);
          this.#epoch = s.engine.catalog.epoch;
        }
        return runPlanWithViews(s, this.#plan, this.#sql, this.#literals, params);
      },
      this.#sql,
      this.#tokens,
    );
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#plan = null;
    this.#onClose();
  }
}
