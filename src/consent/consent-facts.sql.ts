import type { RuleFactsRefs } from '@app/messaging/outbound/outbound-rule';
import { ConsentPolicy, withDefaults } from './consent-policy';
import type { ConsentState, ScopedDecision } from './consent-terms';

/** What the consent gate decides a send by: the tenant's policy and the contact's decisions. */
export interface ConsentFacts {
  policy: ConsentPolicy;
  decisions: ScopedDecision[];
}

/** ConsentFacts as the SQL below returns them (json). */
export interface StoredConsentFacts {
  policy: Partial<ConsentPolicy> | null;
  decisions: { purpose: string; channel: string; state: ConsentState; occurredAt: string }[];
}

/**
 * The tenant's policy and the contact's current decisions covering the channel (`*` asks for
 * every channel), as one json expression over the consent tables. Consent's own read uses it,
 * and so does messaging, inside the statement that reads a send (ConsentRule.factsSql): the
 * gate's data then cost no round trip of their own, on accept and again in the worker.
 */
export function consentFactsSql({ tenantId, contactId, hub }: RuleFactsRefs): string {
  return `json_build_object(
    'policy', (SELECT policy FROM consent_policies WHERE tenant_id = ${tenantId}),
    'decisions', COALESCE((SELECT json_agg(json_build_object('purpose', purpose, 'channel', channel,
                                             'state', state, 'occurredAt', occurred_at)
                                           ORDER BY purpose, channel)
                             FROM consent_state
                            WHERE tenant_id = ${tenantId} AND contact_id = ${contactId}
                              AND (${hub} = '*' OR channel IN (${hub}, '*'))),
                          '[]'::json))`;
}

export function consentFactsOf(stored: StoredConsentFacts): ConsentFacts {
  return {
    policy: withDefaults(stored.policy ?? undefined),
    decisions: stored.decisions.map((d) => ({ ...d, occurredAt: new Date(d.occurredAt) })),
  };
}
