import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { ContactsService } from '@app/messaging/contacts/contacts.service';
import { createTenant, createTestApp } from '@test/support/test-app';

/**
 * A sender's profile name on every inbound message: a new name renames the contact and is
 * `contact.updated`; the same name again (every message of a repeat sender) changes nothing
 * and costs no statement.
 */
describe('Contact profile names from inbound messages', () => {
  let app: NestFastifyApplication;
  let db: DataSource;
  let contacts: ContactsService;

  beforeAll(async () => {
    app = await createTestApp({ APP_ROLE: 'api' });
    db = app.get(DataSource);
    contacts = app.get(ContactsService);
  });

  afterAll(() => app.close());

  const updates = (contactId: string) =>
    db.query<{ type: string }[]>(
      `SELECT type FROM domain_events WHERE stream_id = $1 AND type = 'contact.updated'`,
      [contactId],
    );

  it('renames on a new name, and neither writes nor records anything for the same name', async () => {
    const tenant = await createTenant(app);
    const identity = [{ type: 'wa_id', value: `55119${Math.floor(Math.random() * 1e8)}` }];
    const contactId = await contacts.resolve(tenant.id, identity, { name: 'Ana' });

    const query = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    try {
      expect(await contacts.resolve(tenant.id, identity, { name: 'Ana' })).toBe(contactId);
      const renames = query.mock.calls.filter(([sql]) => String(sql).includes('UPDATE contacts'));
      expect(renames).toEqual([]);
    } finally {
      query.mockRestore();
    }
    expect(await updates(contactId)).toEqual([]);

    expect(await contacts.resolve(tenant.id, identity, { name: 'Ana Souza' })).toBe(contactId);
    const [row] = await db.query<{ display_name: string }[]>(
      `SELECT display_name FROM contacts WHERE id = $1`,
      [contactId],
    );
    expect(row.display_name).toBe('Ana Souza');
    expect(await updates(contactId)).toEqual([{ type: 'contact.updated' }]);
  });
});
