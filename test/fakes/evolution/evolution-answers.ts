import { randomBytes, randomUUID } from 'node:crypto';
import type { FakeResponse } from '@test/fakes/fake-http-server';

/** Evolution's error envelope, as its express error handler renders every thrown exception. */
export function evolutionError(status: number, error: string, message: unknown): FakeResponse {
  return { status, body: { status, error, response: { message } } };
}

/** Missing or wrong `apikey` (auth guard: UnauthorizedException without arguments). */
export const unauthorizedAnswer = (): FakeResponse =>
  evolutionError(401, 'Unauthorized', 'Unauthorized');

/** instanceExistsGuard, which runs before the key check. */
export const instanceNotFoundAnswer = (instance: string): FakeResponse =>
  evolutionError(404, 'Not Found', [`The "${instance}" instance does not exist`]);

/** Schema validation failures: the list of violated rules. */
export const badRequestAnswer = (...messages: unknown[]): FakeResponse =>
  evolutionError(400, 'Bad Request', messages);

/** The number check failed: Evolution returns the check result itself. */
export const notOnWhatsappAnswer = (jid: string, number: string): FakeResponse =>
  evolutionError(400, 'Bad Request', [{ jid, exists: false, number }]);

/** A send on an instance whose session is gone (Baileys' Boom error reaches the handler). */
export const connectionClosedAnswer = (): FakeResponse =>
  evolutionError(500, 'Internal Server Error', 'Connection Closed');

/** Baileys message ids from a linked device: "3EB0" and 18 upper-case hex digits. */
export function fakeEvolutionMessageId(): string {
  return `3EB0${randomBytes(9).toString('hex').toUpperCase()}`;
}

export function fakeInstanceToken(): string {
  return randomUUID().toUpperCase();
}

/** A QR as Evolution hands it out: raw `code` and a PNG data URL in `base64`. */
export function fakeQr(count: number, pairingCode?: string): Record<string, unknown> {
  return {
    pairingCode: pairingCode ?? null,
    code: `2@${randomBytes(24).toString('base64')},${randomBytes(16).toString('base64')}`,
    base64: `data:image/png;base64,iVBORw0KGgo${randomBytes(12).toString('base64')}`,
    count,
  };
}

/** createJid's reading of a `number` (digits, '+', or a JID) for the fake's purposes. */
export function fakeJidOf(number: string): string {
  const cleaned = number.replace(/:\d+(?=@)/, '');
  if (cleaned.includes('@')) return cleaned;
  return `${cleaned.replace(/\D/g, '')}@s.whatsapp.net`;
}
