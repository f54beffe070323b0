import { CreateTenantsAndApiKeys1795360000000 } from './1795360000000-create-tenants-and-api-keys';
import { CreateInboundEvents1795360100000 } from './1795360100000-create-inbound-events';
import { CreateMessaging1795360200000 } from './1795360200000-create-messaging';
import { AddProviderFallback1795360300000 } from './1795360300000-add-provider-fallback';
import { AddStalledJobIndexes1795360450000 } from './1795360450000-add-stalled-job-indexes';
import { AddMessageConversationTenantStatistics1795360520000 } from './1795360520000-add-message-conversation-tenant-statistics';
import { AddChannelAccountWebhookVerifyToken1795361000000 } from './1795361000000-add-channel-account-webhook-verify-token';
import { ScopeEvolutionInboxIdsToAccount1795363000000 } from './1795363000000-scope-evolution-inbox-ids-to-account';
import { CreateEvolutionWebhookKeys1795363010000 } from './1795363010000-create-evolution-webhook-keys';
import { AddSendingAndUnknownMessageStatuses1795364000000 } from './1795364000000-add-sending-and-unknown-message-statuses';
import { AddMessageReplyContext1795365000000 } from './1795365000000-add-message-reply-context';
import { AddIdempotencyFingerprint1795365010000 } from './1795365010000-add-idempotency-fingerprint';
import { CreateDomainEvents1795369000000 } from './1795369000000-create-domain-events';
import { CreateTenantWebhooks1795374000000 } from './1795374000000-create-tenant-webhooks';
import { CreateCalendarConnections1795380000000 } from './1795380000000-create-calendar-connections';
import { CreateBitrix1795381000000 } from './1795381000000-create-bitrix';
import { AddMessagePurpose1795382000000 } from './1795382000000-add-message-purpose';
import { CreateConsent1795382100000 } from './1795382100000-create-consent';
import { CreateAuditLog1795383000000 } from './1795383000000-create-audit-log';
import { CreateDataSubjectRequests1795383100000 } from './1795383100000-create-data-subject-requests';
import { CreateDeadLetterDiscards1795384000000 } from './1795384000000-create-dead-letter-discards';
import { AddFailedSendsIndex1795384100000 } from './1795384100000-add-failed-sends-index';
import { CreateAlertChannels1795385000000 } from './1795385000000-create-alert-channels';
import { CreateAlerts1795385010000 } from './1795385010000-create-alerts';
import { CreateTiktokConversations1795386000000 } from './1795386000000-create-tiktok-conversations';
import { AddChannelAccountLifecycle1795387000000 } from './1795387000000-add-channel-account-lifecycle';
import { AddMessageEditsAndDeletions1795387010000 } from './1795387010000-add-message-edits-and-deletions';
import { ReregisterEvolutionWebhooksForChanges1795388000000 } from './1795388000000-reregister-evolution-webhooks-for-changes';
import { AddContactAvatar1795388010000 } from './1795388010000-add-contact-avatar';
import { CreateInstagramProfileLookups1795388020000 } from './1795388020000-create-instagram-profile-lookups';
import { CreateCalendarSync1795390000000 } from './1795390000000-create-calendar-sync';
import { CreateCalendarOperations1795390100000 } from './1795390100000-create-calendar-operations';
import { CreateCalendarReminders1795391000000 } from './1795391000000-create-calendar-reminders';
import { AddBitrixMirrorChanges1795392000000 } from './1795392000000-add-bitrix-mirror-changes';
import { AddBitrixMirrorAttempts1795392010000 } from './1795392010000-add-bitrix-mirror-attempts';
import { AddBitrixMirrorOutbound1795396000000 } from './1795396000000-add-bitrix-mirror-outbound';
import { AddMessagesTenantIndex1795397000000 } from './1795397000000-add-messages-tenant-index';
import { AddAlertsResolvedAtIndex1795398000000 } from './1795398000000-add-alerts-resolved-at-index';
import { AddMessageClaimLease1795400000000 } from './1795400000000-add-message-claim-lease';
import { CreateTiktokComments1795402000000 } from './1795402000000-create-tiktok-comments';
import { CreateTiktokReplyReservations1795402100000 } from './1795402100000-create-tiktok-reply-reservations';
import { CreateMessageEncryptionSettings1795403000000 } from './1795403000000-create-message-encryption-settings';
import { AddConversationListCopies1795405000000 } from './1795405000000-add-conversation-list-copies';
import { SettleEventStreams1795407000000 } from './1795407000000-settle-event-streams';
import { LockConversationBeforeStream1795407100000 } from './1795407100000-lock-conversation-before-stream';
import { NarrowSendPathIndexes1795408000000 } from './1795408000000-narrow-send-path-indexes';
import { AdvanceStreamCounterByUpdate1795408100000 } from './1795408100000-advance-stream-counter-by-update';

/** Every migration, oldest first. `npm run migration:generate` output must be added here. */
export const MIGRATIONS = [
  CreateTenantsAndApiKeys1795360000000,
  CreateInboundEvents1795360100000,
  CreateMessaging1795360200000,
  AddProviderFallback1795360300000,
  AddStalledJobIndexes1795360450000,
  AddMessageConversationTenantStatistics1795360520000,
  AddChannelAccountWebhookVerifyToken1795361000000,
  ScopeEvolutionInboxIdsToAccount1795363000000,
  CreateEvolutionWebhookKeys1795363010000,
  AddSendingAndUnknownMessageStatuses1795364000000,
  AddMessageReplyContext1795365000000,
  AddIdempotencyFingerprint1795365010000,
  CreateDomainEvents1795369000000,
  CreateTenantWebhooks1795374000000,
  CreateCalendarConnections1795380000000,
  CreateBitrix1795381000000,
  AddMessagePurpose1795382000000,
  CreateConsent1795382100000,
  CreateAuditLog1795383000000,
  CreateDataSubjectRequests1795383100000,
  CreateDeadLetterDiscards1795384000000,
  AddFailedSendsIndex1795384100000,
  CreateAlertChannels1795385000000,
  CreateAlerts1795385010000,
  CreateTiktokConversations1795386000000,
  AddChannelAccountLifecycle1795387000000,
  AddMessageEditsAndDeletions1795387010000,
  ReregisterEvolutionWebhooksForChanges1795388000000,
  AddContactAvatar1795388010000,
  CreateInstagramProfileLookups1795388020000,
  CreateCalendarSync1795390000000,
  CreateCalendarOperations1795390100000,
  CreateCalendarReminders1795391000000,
  AddBitrixMirrorChanges1795392000000,
  AddBitrixMirrorAttempts1795392010000,
  AddBitrixMirrorOutbound1795396000000,
  AddMessagesTenantIndex1795397000000,
  AddAlertsResolvedAtIndex1795398000000,
  AddMessageClaimLease1795400000000,
  CreateTiktokComments1795402000000,
  CreateTiktokReplyReservations1795402100000,
  CreateMessageEncryptionSettings1795403000000,
  AddConversationListCopies1795405000000,
  SettleEventStreams1795407000000,
  LockConversationBeforeStream1795407100000,
  NarrowSendPathIndexes1795408000000,
  AdvanceStreamCounterByUpdate1795408100000,
];
