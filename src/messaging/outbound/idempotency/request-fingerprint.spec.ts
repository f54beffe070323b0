import { canonicalJson, requestFingerprint } from './request-fingerprint';

const ROUTE = 'POST /api/v2/messages';
const request = {
  channelAccountId: 'main-line',
  to: '+5511988887777',
  type: 'template',
  template: { name: 'reminder', language: 'pt_BR', components: [{ type: 'body' }] },
};

describe('requestFingerprint', () => {
  it('ignores key order at every level and fields left undefined', () => {
    const reordered = {
      template: { components: [{ type: 'body' }], language: 'pt_BR', name: 'reminder' },
      type: 'template',
      to: '+5511988887777',
      channelAccountId: 'main-line',
      replyTo: undefined,
    };
    expect(requestFingerprint(ROUTE, reordered)).toBe(requestFingerprint(ROUTE, request));
  });

  it('changes with any value, the order of a list, and the route', () => {
    const fingerprint = requestFingerprint(ROUTE, request);
    const variants = [
      { ...request, to: '+5511988887778' },
      { ...request, template: { ...request.template, language: 'en_US' } },
      {
        ...request,
        template: { ...request.template, components: [{ type: 'body' }, { type: 'header' }] },
      },
    ];
    for (const variant of variants) {
      expect(requestFingerprint(ROUTE, variant)).not.toBe(fingerprint);
    }
    expect(requestFingerprint('POST /api/v2/whatsapp/messages/template', request)).not.toBe(
      fingerprint,
    );
    expect(canonicalJson([1, [3, 2]])).toBe('[1,[3,2]]');
  });

  it('reads class instances (validated DTOs) like plain objects', () => {
    class Dto {
      constructor(
        readonly to: string,
        readonly type: string,
      ) {}
    }
    expect(requestFingerprint(ROUTE, new Dto('+1', 'text'))).toBe(
      requestFingerprint(ROUTE, { type: 'text', to: '+1' }),
    );
  });
});
