import type { ProviderAccounts } from '@app/messaging/channel-accounts/channel-accounts.query';

/** Evolution's accounts, as messaging's account listings (ChannelAccountsQuery) name them. */
export const EVOLUTION_ACCOUNTS: ProviderAccounts = { hub: 'whatsapp', provider: 'evolution' };
