import { randomBytes } from 'node:crypto';
import type { AppConfig } from '@config/app-config';
import { ExportLinks } from './export-links';

const key = () => randomBytes(32).toString('base64');
const configWith = (keyRing: string) =>
  ({ secrets: { keyRing }, http: { publicBaseUrl: 'https://hub.example' } }) as AppConfig;
const REQUEST = '0190c6f4-0000-7000-8000-000000000001';

function paramsOf(link: string) {
  const url = new URL(link);
  return {
    path: url.pathname,
    params: Object.fromEntries(url.searchParams) as Record<string, string>,
  };
}

describe('ExportLinks', () => {
  const oldKey = `old:${key()}`;
  const links = new ExportLinks(configWith(oldKey));
  const expiresAt = new Date(Date.now() + 60_000);

  it('accepts its own link until it expires', () => {
    const { path, params } = paramsOf(links.link(REQUEST, expiresAt));
    expect(path).toBe(`/api/v2/privacy/exports/${REQUEST}`);
    expect(links.verify(REQUEST, params)).toBe(true);
    expect(links.verify(REQUEST, params, expiresAt.getTime() + 1_000)).toBe(false);
  });

  it('refuses a link moved to another request or given a later expiry', () => {
    const { params } = paramsOf(links.link(REQUEST, expiresAt));
    expect(links.verify('0190c6f4-0000-7000-8000-000000000002', params)).toBe(false);
    expect(links.verify(REQUEST, { ...params, expires: String(Number(params.expires) + 60) })).toBe(
      false,
    );
    expect(links.verify(REQUEST, { ...params, signature: undefined })).toBe(false);
  });

  it('keeps links signed before a key rotation working while the old key is in the ring', () => {
    const { params } = paramsOf(links.link(REQUEST, expiresAt));
    const rotated = new ExportLinks(configWith(`new:${key()},${oldKey}`));
    expect(rotated.verify(REQUEST, params)).toBe(true);
    const dropped = new ExportLinks(configWith(`new:${key()}`));
    expect(dropped.verify(REQUEST, params)).toBe(false);
  });
});
