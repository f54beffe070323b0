import { Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging/messaging.module';
import { ConsentContacts } from './consent-contacts';
import { ConsentGate } from './consent-gate';
import { ConsentImport } from './consent-import';
import { ConsentKeywordsListener } from './consent-keywords.listener';
import { ConsentLedger } from './consent-ledger';
import { ConsentMergeParticipant } from './consent-merge.participant';
import { ConsentPoliciesRepository } from './consent-policies.repository';
import { ConsentPolicyController } from './consent-policy.controller';
import { ConsentController } from './consent.controller';
import { ConsentRule } from './consent.rule';
import { ConsentService } from './consent.service';
import { ConsentDataContributor } from './consent-data.contributor';

const httpControllers = [ConsentPolicyController, ConsentController];
const repositories = [ConsentLedger, ConsentPoliciesRepository];
/** Carries a merged contact's decisions over to the survivor (messaging's contact merge). */
const mergeParticipants = [ConsentMergeParticipant];
const services = [ConsentService, ConsentContacts, ConsentGate, ConsentImport];
const outboundRules = [ConsentRule];
const streamListeners = [ConsentKeywordsListener];
const privacyContributors = [ConsentDataContributor];

/**
 * Consent (LGPD/GDPR): the ledger of each contact's decisions per purpose and channel, the
 * gate every send passes (an outbound rule, re-checked by the worker), and opt-out keywords on
 * the messaging event stream. A plug-in: nothing but app.module imports it.
 */
@Module({
  imports: [MessagingModule],
  controllers: httpControllers,
  providers: [
    ...repositories,
    ...services,
    ...outboundRules,
    ...streamListeners,
    ...privacyContributors,
    ...mergeParticipants,
  ],
})
export class ConsentModule {}
