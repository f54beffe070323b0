import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { ConsentPoliciesRepository } from '@app/consent/consent-policies.repository';
import { DEFAULT_POLICY } from '@app/consent/consent-policy';
import { createTenant, createTestApp } from '@test/support/test-app';

/**
 * Tenants' policies asked in one tick (the keyword listener, for every received text a poll
 * delivers) come from one query, each tenant its own or the defaults.
 */
describe('Consent policies read together', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestApp({ APP_ROLE: 'api' });
  });

  afterAll(() => app.close());

  it("answers each tenant's policy from one query", async () => {
    const [custom, plain] = [await createTenant(app), await createTenant(app)];
    const policies = app.get(ConsentPoliciesRepository);
    await policies.put(custom.id, { ...DEFAULT_POLICY, optOutKeywords: ['BASTA'] });
    const query = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    try {
      const [a, b, c] = await Promise.all([
        policies.get(custom.id),
        policies.get(plain.id),
        policies.get(custom.id),
      ]);
      expect(a.optOutKeywords).toEqual(['BASTA']);
      expect(c.optOutKeywords).toEqual(['BASTA']);
      expect(b.optOutKeywords).toEqual(DEFAULT_POLICY.optOutKeywords);
      const reads = query.mock.calls.filter(([sql]) =>
        String(sql).includes('FROM consent_policies'),
      );
      expect(reads).toHaveLength(1);
    } finally {
      query.mockRestore();
    }
  });
});
