import { evolutionInstanceName } from './evolution-instance-name';

describe('evolutionInstanceName', () => {
  it('keeps the tenant name and is stable for one tenant', () => {
    const tenant = '01939a4e-1f00-7000-8000-000000000001';
    expect(evolutionInstanceName(tenant, 'loja')).toMatch(/^oh-[0-9a-f]{10}-loja$/);
    expect(evolutionInstanceName(tenant, 'loja')).toBe(evolutionInstanceName(tenant, 'loja'));
  });

  it('differs for tenants whose UUIDv7 ids share their time prefix', () => {
    const a = evolutionInstanceName('01939a4e-1f00-7000-8000-000000000001', 'loja');
    const b = evolutionInstanceName('01939a4e-1f00-7000-8000-000000000002', 'loja');
    expect(a).not.toBe(b);
  });
});
