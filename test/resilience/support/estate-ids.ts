import { DocumentedRoute, collectionOf, fillPath, pathParameters } from './openapi-routes';
import { ESTATE_TIKTOK_COMMENT, ESTATE_TIKTOK_VIDEO, TenantEstate } from './tenant-estate';

/**
 * The resources a path parameter can name, by parameter name, else by the collection segment
 * before it. Ids come first, then names where a route also takes a name. A documented route
 * whose parameter is in neither table makes `idsFor` throw until it is added here, so a new
 * route cannot go unchecked.
 */
type Pick = (estate: TenantEstate, route: DocumentedRoute) => string[];

const BY_PARAMETER: Record<string, Pick> = {
  instanceId: accountHandles,
  idOrName: accountHandles,
  // The account the route's own hub serves comes first: a control call takes the first.
  accountId: (estate, route) => {
    const { evolutionAccount: evo, cloudAccount: cloud, instagramAccount: instagram } = estate;
    const { tiktokAccount: tiktok } = estate;
    if (route.path.includes('/instagram/')) return [instagram.id, evo.id, cloud.id];
    if (route.path.includes('/tiktok/')) return [tiktok.id, evo.id, cloud.id];
    return [evo.id, cloud.id, instagram.id];
  },
  deliveryId: (estate) => [estate.webhookDeliveryId],
  // TikTok's own ids: the estate accounts' video and a person's comment on it.
  videoId: () => [ESTATE_TIKTOK_VIDEO],
  commentId: () => [ESTATE_TIKTOK_COMMENT],
  eventId: (estate) => [estate.calendarEventId],
  portalId: (estate) => [estate.bitrixPortalId],
  channelAccountId: (estate) => [
    estate.cloudAccount.id,
    estate.evolutionAccount.id,
    estate.instagramAccount.id,
  ],
  // Shared names, not tenant resources (see SHARED_PARAMETERS).
  hub: () => ['whatsapp', 'instagram'],
  queue: () => ['outbound', 'inbound'],
};

/**
 * Parameters that name something every tenant shares (a hub, a queue), not a tenant's
 * resource: another tenant's "id" does not exist for them, so a route taking only these is
 * not expected to answer 404 across tenants (it scopes its answer to the caller instead).
 */
export const SHARED_PARAMETERS: ReadonlySet<string> = new Set(['hub', 'queue']);
const BY_COLLECTION: Record<string, Pick> = {
  'alert-channels': (estate) => [estate.alertChannelId],
  'api-keys': (estate) => [estate.spareApiKeyId],
  'channel-accounts': accountHandles,
  conversations: (estate) => [estate.conversationId],
  messages: (estate) => [estate.inboundMessageId, estate.outboundMessageId],
  contacts: (estate) => [estate.contactId],
  tenants: (estate) => [estate.tenant.id],
  webhooks: (estate) => [estate.webhookId],
  portals: (estate) => [estate.bitrixPortalId],
  requests: (estate) => [estate.privacyRequestId],
  exports: (estate) => [estate.privacyRequestId],
  // A signed media link's message: the estate's received message.
  media: (estate) => [estate.inboundMessageId],
};

/** The Evolution instance first: it is the one account every instance route applies to. */
function accountHandles(estate: TenantEstate): string[] {
  const { evolutionAccount: evo, cloudAccount: cloud } = estate;
  return [evo.name, evo.id, cloud.name, cloud.id];
}

/** The estate's ids (and names) that the route's `{name}` parameter can take. */
export function idsFor(route: DocumentedRoute, name: string, estate: TenantEstate): string[] {
  // Deleting an account is final: the Instagram account goes, which no later route needs
  // (the Evolution instance's own DELETE route and every WhatsApp route keep theirs).
  if (route.method === 'DELETE' && collectionOf(route, name) === 'channel-accounts') {
    const { instagramAccount: instagram } = estate;
    return [instagram.name, instagram.id, ...accountHandles(estate)];
  }
  const pick = BY_PARAMETER[name] ?? BY_COLLECTION[collectionOf(route, name)];
  if (!pick) {
    throw new Error(
      `${route.method} ${route.path}: which resource does {${name}} name? ` +
        'Add it to BY_PARAMETER or BY_COLLECTION in test/resilience/support/estate-ids.ts',
    );
  }
  return pick(estate, route);
}

/** The route's path for every combination of the estate's values for its path parameters. */
export function estatePaths(route: DocumentedRoute, estate: TenantEstate): string[] {
  let combinations: Record<string, string>[] = [{}];
  for (const { name } of pathParameters(route)) {
    combinations = combinations.flatMap((values) =>
      idsFor(route, name, estate).map((value) => ({ ...values, [name]: value })),
    );
  }
  return combinations.map((values) => fillPath(route, values));
}
