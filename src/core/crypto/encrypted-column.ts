/** A column holding values sealed by `SecretBox`, listed in `src/encrypted-columns.ts`. */
export interface EncryptedColumn {
  table: string;
  /** The primary key column; its value is part of each secret's context. */
  idColumn: string;
  column: string;
}

/** The AAD context for a secret stored in `column` of the row `id`: `<table>.<column>:<id>`. */
export function encryptedColumnContext(column: EncryptedColumn, id: string | number): string {
  return `${column.table}.${column.column}:${id}`;
}
