import { PlatformError } from '@core/errors/platform-error';
import { trustedMediaUrl } from './media-download-url';

const GRAPH = 'https://graph.facebook.com/v23.0';
const LOOKASIDE =
  'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1013859600285441&ext=1772400000&hash=ATu9Xz0';

describe('trustedMediaUrl', () => {
  it("follows Meta's HTTPS media URLs unchanged", () => {
    expect(trustedMediaUrl(LOOKASIDE, GRAPH)).toBe(LOOKASIDE);
  });

  it('follows plain HTTP only on the configured Graph origin (a proxy or a local fake)', () => {
    const local = 'http://127.0.0.1:4010/whatsapp_business/attachments/?mid=1';
    expect(trustedMediaUrl(local, 'http://127.0.0.1:4010/v23.0')).toBe(local);
  });

  it('refuses to send the token in clear text to another host, permanently', () => {
    let thrown: unknown;
    try {
      trustedMediaUrl('http://media.example.net/file?mid=1', GRAPH);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PlatformError);
    expect((thrown as PlatformError).retryable).toBe(false);
    expect((thrown as PlatformError).message).toContain('http://media.example.net');
  });

  it('reports an unreadable URL as a bad answer from Meta', () => {
    expect(() => trustedMediaUrl('not a url', GRAPH)).toThrow(/without a valid media URL/);
  });
});
