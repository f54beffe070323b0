import { DataSource } from 'typeorm';
import { loadConfig } from '@config/load-config';
import { withDatabase } from '@core/database/postgres-options';
import { dropDatabase, ensureDatabase } from '@core/database/prepare-database';
import { dataSourceOptions } from '@app/data-source';
import { MIGRATIONS } from '@migrations/index';

/**
 * Migration 1795405000000 fills the conversation list's copies for conversations stored
 * before it, in batches of 1000: on a database of its own, rolled back to before it, with
 * more conversations than one batch.
 */
describe('Conversation list copies, backfilled', () => {
  const url = withDatabase(
    process.env.DATABASE_URL!,
    `${new URL(process.env.DATABASE_URL!).pathname.slice(1)}_list_copies`,
  );
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureDatabase(url);
    const { database } = loadConfig({ ...process.env, DATABASE_URL: url });
    dataSource = await new DataSource(dataSourceOptions(database)).initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    // Back to just before it: the migrations after it are undone first, then it.
    const index = MIGRATIONS.findIndex((m) => m.name === 'AddConversationListCopies1795405000000');
    expect(index).toBeGreaterThan(0);
    for (let undo = MIGRATIONS.length - index; undo > 0; undo -= 1) {
      await dataSource.undoLastMigration({ transaction: 'each' });
    }
  });

  afterAll(async () => {
    await dataSource.destroy();
    await dropDatabase(url);
  });

  it('copies every conversation’s newest message and its contact’s display fields', async () => {
    await dataSource.query(`
      WITH tenant AS (
        INSERT INTO tenants (id, name, slug) VALUES (gen_random_uuid(), 'backfill', 'backfill')
        RETURNING id),
      account AS (
        INSERT INTO channel_accounts (id, tenant_id, hub, provider, name, external_id, credentials)
        SELECT gen_random_uuid(), id, 'whatsapp', 'meta-cloud', 'main', 'backfill', 'unused' FROM tenant
        RETURNING id, tenant_id)
      INSERT INTO contacts (id, tenant_id, display_name, phone, avatar_url)
      SELECT gen_random_uuid(), tenant_id, 'Contact ' || g, '+5511' || g,
             CASE WHEN g % 3 = 0 THEN 'https://cdn.example/' || g END
        FROM account, generate_series(1, 2500) g`);
    await dataSource.query(`
      INSERT INTO conversations (id, tenant_id, channel_account_id, contact_id, last_message_at)
      SELECT gen_random_uuid(), ct.tenant_id, a.id, ct.id, now()
        FROM contacts ct JOIN channel_accounts a ON a.tenant_id = ct.tenant_id`);
    // Every conversation but one in ten gets messages, texts of 110 to 130 characters.
    await dataSource.query(`
      INSERT INTO messages (id, tenant_id, conversation_id, channel_account_id, direction, type,
                            content, status, provider)
      SELECT gen_random_uuid(), c.tenant_id, c.id, c.channel_account_id,
             CASE WHEN g % 2 = 0 THEN 'inbound' ELSE 'outbound' END,
             CASE WHEN g = 3 THEN 'image' ELSE 'text' END,
             CASE WHEN g = 3 THEN '{"media": {"id": "m"}}'::jsonb
                  ELSE jsonb_build_object('text', repeat('é', 100 + g * 10)) END,
             'received', 'meta-cloud'
        FROM (SELECT *, row_number() OVER () AS n FROM conversations) c,
             generate_series(1, 3) g
       WHERE c.n % 10 <> 0`);

    await dataSource.runMigrations({ transaction: 'each' });

    const [counts]: { total: string; copied: string; empty: string; stale: string }[] =
      await dataSource.query(`
        SELECT count(*) AS total,
               count(*) FILTER (WHERE c.last_message_id IS NOT NULL) AS copied,
               count(*) FILTER (WHERE m.id IS NULL AND c.last_message_id IS NULL) AS empty,
               count(*) FILTER (WHERE
                 (c.last_message_id, c.last_message_direction, c.last_message_type,
                  c.last_message_text, c.last_message_sealed, c.last_message_created_at,
                  c.contact_display_name, c.contact_phone, c.contact_avatar_url)
                 IS DISTINCT FROM
                 (m.id, m.direction, m.type, message_preview_text(m.type, m.content),
                  m.content ? '$sealed', m.created_at, ct.display_name, ct.phone, ct.avatar_url)
               ) AS stale
          FROM conversations c JOIN contacts ct ON ct.id = c.contact_id
          LEFT JOIN LATERAL (SELECT * FROM messages WHERE conversation_id = c.id
                              ORDER BY id DESC LIMIT 1) m ON true`);
    expect(counts).toEqual({ total: '2500', copied: '2250', empty: '250', stale: '0' });
    const [longest]: { chars: number }[] = await dataSource.query(
      `SELECT max(length(last_message_text)) AS chars FROM conversations`,
    );
    expect(longest.chars).toBe(120);
  });
});
