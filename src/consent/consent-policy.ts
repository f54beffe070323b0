import { MARKETING_PURPOSE, SERVICE_PURPOSE } from '@app/messaging/outbound/send-purpose';
import { EVERY, ScopedDecision } from './consent-terms';

export const REMINDERS_PURPOSE = 'reminders';

/**
 * What a purpose is worth without a decision of the contact: `allowed` until withdrawn,
 * `requires_grant` (an explicit grant first), or `follows_service` (whatever `service` is).
 */
export const PURPOSE_DEFAULTS = ['allowed', 'requires_grant', 'follows_service'] as const;
export type PurposeDefault = (typeof PURPOSE_DEFAULTS)[number];

/** A tenant's consent policy (PUT /api/v2/consent/policy). */
export interface ConsentPolicy {
  /** Every purpose the tenant sends for, with its default; the built-in three always exist. */
  purposes: Record<string, PurposeDefault>;
  /** Whole-text words that withdraw every purpose on the channel they arrive on. */
  optOutKeywords: string[];
  /** Whole-text words that lift such a withdrawal. */
  optInKeywords: string[];
  optOutConfirmation: string;
  optInConfirmation: string;
}

export const DEFAULT_POLICY: ConsentPolicy = {
  purposes: {
    [SERVICE_PURPOSE]: 'allowed',
    [MARKETING_PURPOSE]: 'requires_grant',
    [REMINDERS_PURPOSE]: 'follows_service',
  },
  optOutKeywords: ['PARAR', 'SAIR', 'CANCELAR', 'DESCADASTRAR', 'STOP', 'UNSUBSCRIBE'],
  optInKeywords: ['VOLTAR', 'START'],
  optOutConfirmation:
    'Pronto, você não receberá mais mensagens nossas por aqui. Para voltar a receber, responda VOLTAR.',
  optInConfirmation: 'Pronto, você voltará a receber nossas mensagens por aqui.',
};

/** A stored or submitted policy over the defaults; the built-in purposes cannot go missing. */
export function withDefaults(policy: Partial<ConsentPolicy> | undefined): ConsentPolicy {
  return {
    ...DEFAULT_POLICY,
    ...policy,
    purposes: { ...DEFAULT_POLICY.purposes, ...policy?.purposes },
  };
}

/**
 * Whether a send for `purpose` on `channel` may go, given the contact's current decisions
 * (any scope; those of other purposes and channels are ignored) and the tenant's policy.
 *
 * The latest decision that covers the send wins (a specific one or a blanket `*` one, whichever
 * is newer): a marketing grant after "withdraw everything" allows marketing again, and a STOP
 * after a marketing grant stops it. A `restored` decision (an opt-in keyword) lifts the blanket
 * withdrawals older than it, so older specific decisions and then the defaults speak again.
 * With no decision, the purpose's default applies; `follows_service` asks the same of `service`.
 */
export function isAllowed(
  policy: ConsentPolicy,
  decisions: readonly ScopedDecision[],
  purpose: string,
  channel: string,
): boolean {
  const covering = decisions
    .filter(
      (d) =>
        (d.purpose === purpose || d.purpose === EVERY) &&
        (d.channel === channel || d.channel === EVERY),
    )
    .sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime());
  let blanketWithdrawalsLifted = false;
  for (const decision of covering) {
    if (decision.state === 'restored') {
      blanketWithdrawalsLifted = true;
    } else if (decision.state === 'granted') {
      return true;
    } else if (!(blanketWithdrawalsLifted && decision.purpose === EVERY)) {
      return false;
    }
  }
  switch (policy.purposes[purpose]) {
    case 'allowed':
      return true;
    case 'follows_service':
      return purpose !== SERVICE_PURPOSE && isAllowed(policy, decisions, SERVICE_PURPOSE, channel);
    default:
      return false;
  }
}
