import { DomainError } from '@core/errors/domain-error';

export type UnreadableReason = 'malformed' | 'unknown-key' | 'not-authentic';

/**
 * A sealed secret could not be opened: it is malformed, was sealed with a key no longer in the
 * ring, or fails authentication (tampered, or copied from another row or column). The detail
 * names the reason only; it never carries the sealed value, the plaintext or the context.
 * Answered as 503 because an operator must act (restore a key, re-enter the credential).
 */
export class SecretUnreadableError extends DomainError {
  constructor(readonly reason: UnreadableReason) {
    super('SECRETS.UNREADABLE', 'unavailable', DETAILS[reason]);
  }
}

const DETAILS: Record<UnreadableReason, string> = {
  malformed: 'A stored secret is not in the sealed format',
  'unknown-key': 'A stored secret was sealed with a key that is not in SECRETS_KEYS',
  'not-authentic': 'A stored secret failed authentication (tampered or bound to another record)',
};
