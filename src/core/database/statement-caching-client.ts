import { createHash } from 'node:crypto';
import { Client } from 'pg';

/** Texts counted per connection before the counts start over (bounds memory). */
const SEEN_LIMIT_FACTOR = 4;
/** A text is prepared on its second use: one-off statements are never kept. */
const USES_BEFORE_PREPARING = 2;
/**
 * Statements binding more values than this are batch statements whose text grows with the
 * batch (the inbox's multi-row INSERT): each size would be a statement of its own, kept per
 * connection in memory on both sides and using up the cap the steady statements need.
 */
const MAX_PREPARED_PARAMETERS = 64;

/**
 * A pg Client that runs the parameterized statements it sees repeatedly as named prepared
 * statements, as pgx and postgres.js do by default: PostgreSQL parses a statement once per
 * connection and, once its plan has proven generic (plan_cache_mode auto), stops planning it.
 * On the send path, planning was as much PostgreSQL CPU as executing (pg_stat_statements with
 * track_planning: the consent read 40 ms executing against 247 ms planning over a run).
 *
 * Only statements with parameters are prepared (never transaction control or DDL, nor batch
 * statements with more than MAX_PREPARED_PARAMETERS values), at most
 * `capacity` per connection and never evicted: a connection's prepared set is what the code
 * runs, and a statement beyond the cap simply runs unnamed as before. The name is a digest
 * of the text, so one name always means one text. Capacity 0 turns it off (for a pooler in
 * transaction mode that cannot keep prepared statements, such as older PgBouncer).
 */
export function statementCachingClient(capacity: number): typeof Client {
  class StatementCachingClient extends Client {
    private readonly names = new Map<string, string>();
    private readonly uses = new Map<string, number>();

    // pg's query() is overloaded (text, config object, submittable; callback or promise):
    // only the text-with-values form TypeORM uses is rewritten, everything else passes as is.
    override query(...args: unknown[]): never {
      const [text, values] = args;
      if (
        typeof text === 'string' &&
        Array.isArray(values) &&
        values.length > 0 &&
        values.length <= MAX_PREPARED_PARAMETERS
      ) {
        const name = this.nameFor(text);
        if (name) args[0] = { name, text };
      }
      return (super.query as (...a: unknown[]) => never)(...args);
    }

    private nameFor(text: string): string | undefined {
      const known = this.names.get(text);
      if (known || this.names.size >= capacity) return known;
      const uses = (this.uses.get(text) ?? 0) + 1;
      if (uses < USES_BEFORE_PREPARING) {
        if (this.uses.size >= capacity * SEEN_LIMIT_FACTOR) this.uses.clear();
        this.uses.set(text, uses);
        return undefined;
      }
      this.uses.delete(text);
      const name = `omnihub_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      this.names.set(text, name);
      return name;
    }
  }
  return StatementCachingClient;
}
