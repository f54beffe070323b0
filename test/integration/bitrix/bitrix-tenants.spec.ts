import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BitrixTenants } from '@app/bitrix/portals/bitrix-tenants';
import { postgresOptions } from '@core/database/postgres-options';
import { testConfig } from '@test/support/test-app';

describe('BitrixTenants (which tenants have a portal)', () => {
  let db: DataSource;
  let portalsQueried: number;
  let tenants: BitrixTenants;

  beforeAll(async () => {
    db = new DataSource(postgresOptions(testConfig().database));
    await db.initialize();
  });
  afterAll(() => db.destroy());

  beforeEach(() => {
    portalsQueried = 0;
    const query = db.query.bind(db);
    // The real database, with its reads of bitrix_portals counted.
    const counted = Object.create(db) as DataSource;
    counted.query = ((sql: string, params?: unknown[]) => {
      if (sql.includes('FROM bitrix_portals')) portalsQueried += 1;
      return query(sql, params);
    }) as DataSource['query'];
    tenants = new BitrixTenants(counted);
  });

  const addPortal = async (tenantId: string) => {
    await db.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $2)`, [
      tenantId,
      `bt-${tenantId}`,
    ]);
    await db.query(
      `INSERT INTO bitrix_portals (id, tenant_id, name, portal_url) VALUES ($1, $2, 'p', $3)`,
      [randomUUID(), tenantId, `https://${tenantId}.bitrix24.example`],
    );
  };

  it('answers many events for tenants without a portal from one read', async () => {
    const withPortal = randomUUID();
    await addPortal(withPortal);
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => tenants.has(i === 7 ? withPortal : randomUUID())),
    );
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(answers[7]).toBe(true);
    expect(portalsQueried).toBe(1);
  });

  it('knows a portal created in this process at once, even while a read is under way', async () => {
    const tenantId = randomUUID();
    expect(await tenants.has(tenantId)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const reading = tenants.has(randomUUID());
    await addPortal(tenantId);
    tenants.added(tenantId);
    await reading;
    expect(await tenants.has(tenantId)).toBe(true);
  });
});
