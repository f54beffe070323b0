import { Injectable } from '@nestjs/common';
import type { AccountClaim } from '@core/channel/account-ownership';
import { AccountNotOwnedError } from '@core/channel/account-ownership.errors';
import { ValidationFailedError } from '@core/errors/domain-error';
import { MetaGraphClient, graphPath } from '@app/meta/graph/meta-graph.client';
import { unexpectedGraphAnswer } from './cloud-api-graph';
import { NOT_VISIBLE, ownershipRefusalOf } from './meta-ownership-refusal';

/** One page of `GET /{waba-id}/phone_numbers`. */
interface PhoneNumberPage {
  data?: { id?: unknown }[];
  paging?: { cursors?: { after?: string }; next?: string };
}

const PAGE_SIZE = 100;
/** 2,000 numbers: far beyond what Meta lets one WABA register. A loop guard, not a limit. */
const MAX_PAGES = 20;

/**
 * Proves a Cloud API claim with the tenant's own token, before anything is stored:
 * - `GET /{phone-number-id}` answers for that token (it can act for the number), and
 * - the number is listed in `GET /{waba-id}/phone_numbers` (it belongs to the WABA whose
 *   templates the account will use, and the token can see that WABA).
 * Either alone is not enough: a token with access to two WABAs could pair one's number with
 * the other's templates.
 */
@Injectable()
export class MetaNumberOwnership {
  constructor(private readonly graph: MetaGraphClient) {}

  async prove(claim: AccountClaim): Promise<void> {
    const { accessToken, wabaId } = claimedAccess(claim);
    const phoneNumberId = claim.externalId;
    const number = await this.lookUp('phoneNumberId', () =>
      this.graph.request<{ id?: unknown } | undefined>(accessToken, {
        operation: 'verify_phone_number',
        method: 'GET',
        path: graphPath(phoneNumberId),
        query: { fields: 'id,display_phone_number,verified_name' },
      }),
    );
    if (number.body?.id !== phoneNumberId) {
      throw new AccountNotOwnedError('phoneNumberId', NOT_VISIBLE.phoneNumberId);
    }
    if (!(await this.listedUnder(accessToken, wabaId, phoneNumberId))) {
      throw new AccountNotOwnedError(
        'wabaId',
        'the phone number is not listed under this WhatsApp Business Account',
      );
    }
  }

  /** Pages with `after=<cursor>` on our base URL, never Meta's absolute `next` (a proxy, a token). */
  private async listedUnder(
    accessToken: string,
    wabaId: string,
    phoneNumberId: string,
  ): Promise<boolean> {
    const seenCursors = new Set<string>();
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const { body } = await this.lookUp('wabaId', async () => {
        const answer = await this.graph.request<PhoneNumberPage | undefined>(accessToken, {
          operation: 'list_phone_numbers',
          method: 'GET',
          path: graphPath(wabaId, 'phone_numbers'),
          query: { fields: 'id', limit: PAGE_SIZE, after },
        });
        if (!Array.isArray(answer.body?.data)) {
          throw unexpectedGraphAnswer('list_phone_numbers', 'a data list');
        }
        return answer as { body: PhoneNumberPage & { data: { id?: unknown }[] } };
      });
      if (body.data.some((listed) => listed.id === phoneNumberId)) return true;
      after = body.paging?.cursors?.after;
      if (!body.paging?.next || !after || seenCursors.has(after)) return false;
      seenCursors.add(after);
    }
    return false;
  }

  private async lookUp<T>(field: 'phoneNumberId' | 'wabaId', call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw ownershipRefusalOf(error, field);
    }
  }
}

/** The DTO has checked these already; the claim is typed loosely because every hub shares it. */
function claimedAccess(claim: AccountClaim): { accessToken: string; wabaId: string } {
  const { accessToken, wabaId } = claim.credentials;
  const missing = [
    ...(typeof accessToken === 'string' && accessToken !== '' ? [] : ['accessToken']),
    ...(typeof wabaId === 'string' && wabaId !== '' ? [] : ['wabaId']),
  ];
  if (missing.length > 0) {
    throw new ValidationFailedError(
      missing.map((field) => ({ field, message: `${field} is required` })),
    );
  }
  return { accessToken: accessToken as string, wabaId: wabaId as string };
}
