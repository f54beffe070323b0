import { Injectable } from '@nestjs/common';
import { DomainError, ValidationFailedError } from '@core/errors/domain-error';
import type { Page } from '@core/api/pagination';
import { ConsentContacts } from './consent-contacts';
import { ConsentEventRecord, ConsentLedger } from './consent-ledger';
import { ConsentPoliciesRepository } from './consent-policies.repository';
import { ConsentPolicy, isAllowed } from './consent-policy';
import { ConsentSource, EVERY } from './consent-terms';
import type { LookupConsentDto, RecordConsentDto } from './consent.dto';
import type { CurrentConsentView } from './consent.views';

/** A decision decided more than this far in the future is a clock or input error. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** The consent use cases behind the routes and the import. */
@Injectable()
export class ConsentService {
  constructor(
    private readonly ledger: ConsentLedger,
    private readonly policies: ConsentPoliciesRepository,
    private readonly contacts: ConsentContacts,
  ) {}

  /**
   * Records a decision for the contact named by `request.contact` (created for a new phone or
   * handle). Null when `idempotencyKey` was recorded before.
   */
  async record(
    tenantId: string,
    actor: string,
    request: RecordConsentDto,
    options: { source?: ConsentSource; idempotencyKey?: string; contactId?: string } = {},
  ): Promise<{ contactId: string; event: ConsentEventRecord | null }> {
    const policy = await this.policies.get(tenantId);
    assertKnownPurpose(policy, request.purpose);
    const occurredAt = request.occurredAt ? new Date(request.occurredAt) : new Date();
    if (occurredAt.getTime() > Date.now() + MAX_CLOCK_SKEW_MS) {
      throw new ValidationFailedError([
        { field: 'occurredAt', message: 'occurredAt is in the future' },
      ]);
    }
    const contactId =
      options.contactId ?? (await this.contacts.findOrCreate(tenantId, request.contact));
    const event = await this.ledger.record({
      tenantId,
      contactId,
      purpose: request.purpose,
      channel: request.channel ?? EVERY,
      state: request.state,
      source: options.source ?? request.source ?? 'api',
      evidence: { ...request.evidence },
      actor,
      occurredAt,
      idempotencyKey: options.idempotencyKey,
    });
    return { contactId, event };
  }

  async current(tenantId: string, contactId: string, channel = EVERY): Promise<CurrentConsentView> {
    const policy = await this.policies.get(tenantId);
    const decisions = await this.ledger.current(tenantId, contactId, channel);
    const allowed = Object.fromEntries(
      Object.keys(policy.purposes).map((purpose) => [
        purpose,
        isAllowed(policy, decisions, purpose, channel),
      ]),
    );
    return { contactId, channel, decisions, allowed };
  }

  /** The current consent of a contact named by id, phone or handle (nothing is created). */
  async lookup(tenantId: string, request: LookupConsentDto): Promise<CurrentConsentView> {
    const contactId = await this.contacts.find(tenantId, request.contact);
    return this.current(tenantId, contactId, request.channel);
  }

  async history(
    tenantId: string,
    contactId: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<ConsentEventRecord>> {
    await this.contacts.find(tenantId, { id: contactId });
    return this.ledger.history(tenantId, contactId, limit, cursor);
  }

  /** The contact must be the tenant's (404 otherwise): for routes naming it by id. */
  async assertContact(tenantId: string, contactId: string): Promise<void> {
    await this.contacts.find(tenantId, { id: contactId });
  }
}

function assertKnownPurpose(policy: ConsentPolicy, purpose: string): void {
  if (purpose === EVERY || purpose in policy.purposes) return;
  throw new DomainError(
    'CONSENT.UNKNOWN_PURPOSE',
    'unprocessable',
    `"${purpose}" is not a purpose of this tenant's consent policy; add it with PUT /api/v2/consent/policy`,
    { errors: [{ field: 'purpose', message: 'unknown purpose' }] },
  );
}
