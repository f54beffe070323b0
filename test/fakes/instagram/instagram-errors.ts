import type { FakeResponse } from '@test/fakes/fake-http-server';
import { fakeTraceId } from '@test/fakes/meta-graph/meta-ids';

/**
 * Meta's Graph error envelope as Instagram messaging answers it (CONTRACT.md): `message`,
 * `type`, `code`, optional `error_subcode`, `fbtrace_id`.
 */
export function instagramError(
  status: number,
  code: number,
  message: string,
  extra: { subcode?: number; type?: string } = {},
): FakeResponse {
  return {
    status,
    body: {
      error: {
        message,
        type: extra.type ?? 'OAuthException',
        code,
        ...(extra.subcode !== undefined ? { error_subcode: extra.subcode } : {}),
        fbtrace_id: fakeTraceId(),
      },
    },
  };
}

/** The catalogue a test scripts by code (or `code/subcode`). */
export const INSTAGRAM_ERRORS: Readonly<Record<string, FakeResponse>> = {
  '190': instagramError(401, 190, 'Invalid OAuth access token - Cannot parse access token'),
  '190/463': instagramError(400, 190, 'Error validating access token: Session has expired', {
    subcode: 463,
  }),
  '10/2534022': instagramError(400, 10, 'This message is sent outside of allowed window.', {
    subcode: 2534022,
  }),
  '551': instagramError(400, 551, "This person isn't available right now.", { subcode: 1545041 }),
  '613': instagramError(400, 613, 'Calls to this api have exceeded the rate limit.'),
  '1200': instagramError(500, 1200, 'Temporary send message failure. Please try again later.'),
  '100': instagramError(400, 100, 'Invalid parameter', { subcode: 2018001 }),
};

export const invalidTokenAnswer = (): FakeResponse => INSTAGRAM_ERRORS['190'];
export const invalidParameter = (message: string): FakeResponse =>
  instagramError(400, 100, `(#100) ${message}`);
