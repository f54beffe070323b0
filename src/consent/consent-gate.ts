import { Injectable } from '@nestjs/common';
import { DomainError } from '@core/errors/domain-error';
import { SYSTEM_PURPOSES } from '@app/messaging/outbound/send-purpose';
import type { ConsentFacts } from './consent-facts.sql';
import { ConsentPoliciesRepository } from './consent-policies.repository';
import { isAllowed } from './consent-policy';

/** The code of a send refused for `purpose`: `CONSENT.MARKETING_REFUSED`, stable per purpose. */
export function refusalCode(purpose: string): string {
  return `CONSENT.${purpose.toUpperCase()}_REFUSED`;
}

/** Whether the contact's consent and the tenant's policy let a send for a purpose go. */
@Injectable()
export class ConsentGate {
  constructor(private readonly policies: ConsentPoliciesRepository) {}

  /** 422 with `CONSENT.<PURPOSE>_REFUSED` when they do not, `CONSENT.UNKNOWN_PURPOSE` for a purpose the tenant never declared. */
  async assertAllowed(
    tenantId: string,
    contactId: string,
    purpose: string,
    channel: string,
  ): Promise<void> {
    // The answer to an opt-out keyword reaches the contact who just withdrew everything.
    if (SYSTEM_PURPOSES.includes(purpose)) return;
    this.assertAllowedBy(
      await this.policies.withDecisions(tenantId, contactId, channel),
      purpose,
      channel,
    );
  }

  /** assertAllowed, judged by facts read already (consentFactsSql, for this contact and channel). */
  assertAllowedBy({ policy, decisions }: ConsentFacts, purpose: string, channel: string): void {
    if (SYSTEM_PURPOSES.includes(purpose)) return;
    if (!(purpose in policy.purposes)) {
      throw new DomainError(
        'CONSENT.UNKNOWN_PURPOSE',
        'unprocessable',
        `"${purpose}" is not a purpose of this tenant's consent policy`,
        { errors: [{ field: 'purpose', message: 'unknown purpose' }] },
      );
    }
    if (isAllowed(policy, decisions, purpose, channel)) return;
    throw new DomainError(
      refusalCode(purpose),
      'unprocessable',
      `The contact has not consented to ${purpose} messages on ${channel}, or withdrew that consent`,
    );
  }
}
