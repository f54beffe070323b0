import { Inject, Injectable } from '@nestjs/common';
import type { AccountClaim } from '@core/channel/account-ownership';
import {
  AccountCredentialsRejectedError,
  AccountNotOwnedError,
  AccountPermissionMissingError,
  OwnershipUnverifiableError,
} from '@core/channel/account-ownership.errors';
import { ValidationFailedError } from '@core/errors/domain-error';
import { PlatformError } from '@core/errors/platform-error';
import { MetaGraphClient, graphPath } from '@app/meta/graph/meta-graph.client';
import { FACEBOOK_LOGIN_GRAPH, INSTAGRAM_LOGIN_GRAPH } from './instagram-graph';
import { INSTAGRAM_FLAVOURS, InstagramFlavour } from './instagram.credentials';

/** Graph codes that mean the token itself is no good (190 invalid/expired, 0 and 102 auth). */
const TOKEN_REJECTED_CODES = new Set(['0', '102', '190']);

/**
 * Proves an Instagram claim with the tenant's own token before anything is stored, by the
 * profile lookup each flavour documents:
 * - Instagram Login: `GET /me?fields=user_id,username` answers the professional account the
 *   token belongs to; its `user_id` must be the account id claimed.
 * - Facebook Login: `GET /{page-id}?fields=instagram_business_account` answers the Instagram
 *   account linked to the Page the token acts for; it must be the account id claimed.
 */
@Injectable()
export class InstagramOwnership {
  constructor(
    @Inject(INSTAGRAM_LOGIN_GRAPH) private readonly instagramGraph: MetaGraphClient,
    @Inject(FACEBOOK_LOGIN_GRAPH) private readonly facebookGraph: MetaGraphClient,
  ) {}

  async prove(claim: AccountClaim): Promise<void> {
    const { flavour, accessToken, pageId } = claimedAccess(claim);
    const owner =
      flavour === 'instagram-login'
        ? await this.lookUp('accountId', async () => {
            const { body } = await this.instagramGraph.request<{ user_id?: unknown } | undefined>(
              accessToken,
              {
                operation: 'verify_account',
                method: 'GET',
                path: '/me',
                query: { fields: 'user_id,username' },
              },
            );
            return body?.user_id;
          })
        : await this.lookUp('pageId', async () => {
            const { body } = await this.facebookGraph.request<
              { instagram_business_account?: { id?: unknown } } | undefined
            >(accessToken, {
              operation: 'verify_account',
              method: 'GET',
              path: graphPath(pageId!),
              query: { fields: 'instagram_business_account' },
            });
            return body?.instagram_business_account?.id;
          });
    if (String(owner) !== claim.externalId) {
      throw new AccountNotOwnedError(
        'accountId',
        flavour === 'instagram-login'
          ? 'the access token belongs to another Instagram account'
          : 'the Page is not linked to this Instagram account',
      );
    }
  }

  private async lookUp<T>(field: 'accountId' | 'pageId', call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw refusalOf(error, field);
    }
  }
}

/**
 * A Graph failure during the proof as the tenant should see it: a 4xx naming the field at
 * fault when Meta refused, a 503 when Meta could not answer. Other refusals keep their
 * PlatformError (422 with Meta's code).
 */
function refusalOf(error: unknown, lookedUp: 'accountId' | 'pageId'): unknown {
  if (!(error instanceof PlatformError)) return error;
  const code = error.details.platformCode;
  switch (error.failure) {
    case 'auth':
      return (code !== undefined && TOKEN_REJECTED_CODES.has(code)) ||
        (code === undefined && error.details.status === 401)
        ? new AccountCredentialsRejectedError('accessToken')
        : new AccountPermissionMissingError('accessToken');
    case 'not-found':
      return new AccountNotOwnedError(lookedUp, `the access token cannot see this ${lookedUp}`);
    case 'rejected':
      return code === '100'
        ? new AccountNotOwnedError(lookedUp, `the access token cannot see this ${lookedUp}`)
        : error;
    default:
      return new OwnershipUnverifiableError(
        error.retryAfterMs !== undefined ? Math.ceil(error.retryAfterMs / 1000) : undefined,
      );
  }
}

/** The DTO has checked these already; the claim is typed loosely because every hub shares it. */
function claimedAccess(claim: AccountClaim): {
  flavour: InstagramFlavour;
  accessToken: string;
  pageId?: string;
} {
  const { flavour, accessToken, pageId } = claim.credentials;
  const errors = [
    ...(INSTAGRAM_FLAVOURS.includes(flavour as InstagramFlavour)
      ? []
      : [{ field: 'flavour', message: `flavour must be one of ${INSTAGRAM_FLAVOURS.join(', ')}` }]),
    ...(typeof accessToken === 'string' && accessToken !== ''
      ? []
      : [{ field: 'accessToken', message: 'accessToken is required' }]),
    ...(flavour === 'facebook-login' && (typeof pageId !== 'string' || pageId === '')
      ? [{ field: 'pageId', message: 'pageId is required with facebook-login' }]
      : []),
  ];
  if (errors.length > 0) throw new ValidationFailedError(errors);
  return {
    flavour: flavour as InstagramFlavour,
    accessToken: accessToken as string,
    ...(typeof pageId === 'string' ? { pageId } : {}),
  };
}
