import type { DiscoveryService } from '@nestjs/core';
import { SendPurposes, TemplateCategoryLookup, purposeOfCategory } from './send-purpose';

const account = { id: 'acc', hub: 'whatsapp', provider: 'meta-cloud' };
const template = {
  type: 'template' as const,
  template: { name: 'promo', language: 'pt_BR', components: [] },
};

function purposesWith(categories: Record<string, string>): SendPurposes {
  const source: TemplateCategoryLookup = {
    appliesTo: (candidate) => candidate.provider === 'meta-cloud',
    categoryOf: (_tenant, _account, { name }) => Promise.resolve(categories[name]),
  };
  const discovery = {
    getProviders: () => [{ instance: source }],
  } as unknown as DiscoveryService;
  const purposes = new SendPurposes(discovery);
  purposes.onModuleInit();
  return purposes;
}

describe('send purpose', () => {
  it('maps Meta template categories: MARKETING to marketing, UTILITY and AUTHENTICATION to service', () => {
    expect(purposeOfCategory('MARKETING')).toBe('marketing');
    expect(purposeOfCategory('UTILITY')).toBe('service');
    expect(purposeOfCategory('AUTHENTICATION')).toBe('service');
  });

  it('counts a template of unknown category as marketing, the strictest reading', () => {
    expect(purposeOfCategory(undefined)).toBe('marketing');
    expect(purposeOfCategory('SOMETHING_NEW')).toBe('marketing');
  });

  it("reads a template's category from the catalog of its account's platform", async () => {
    const purposes = purposesWith({ promo: 'MARKETING', shipped: 'UTILITY' });
    await expect(purposes.purposeOf('t', account, template, undefined)).resolves.toBe('marketing');
    const shipped = { ...template, template: { ...template.template, name: 'shipped' } };
    await expect(purposes.purposeOf('t', account, shipped, undefined)).resolves.toBe('service');
    const noCatalog = { ...account, provider: 'evolution' };
    await expect(purposes.purposeOf('t', noCatalog, shipped, undefined)).resolves.toBe('marketing');
  });

  it('takes the explicit purpose over the category, and free text is service', async () => {
    const purposes = purposesWith({ promo: 'MARKETING' });
    await expect(purposes.purposeOf('t', account, template, 'reminders')).resolves.toBe(
      'reminders',
    );
    await expect(
      purposes.purposeOf('t', account, { type: 'text', text: 'oi' }, undefined),
    ).resolves.toBe('service');
  });
});
