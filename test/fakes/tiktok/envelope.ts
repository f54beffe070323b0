import { randomBytes } from 'node:crypto';
import type { FakeResponse } from '@test/fakes/fake-http-server';

/** TikTok's answer envelope: HTTP 200 with `code` 0 (success) or an error code. */
export const ok = (data: unknown): FakeResponse => ({
  body: { code: 0, message: 'OK', request_id: requestId(), data },
});
export const error = (code: number, message: string): FakeResponse => ({
  body: { code, message, request_id: requestId(), data: {} },
});
const requestId = () => randomBytes(12).toString('hex').toUpperCase();
