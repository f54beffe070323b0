import { Inject, Injectable } from '@nestjs/common';
import { MetaGraphClient, graphPath } from '@app/meta/graph/meta-graph.client';
import { FACEBOOK_LOGIN_GRAPH, INSTAGRAM_LOGIN_GRAPH } from '../graph/instagram-graph';
import type { InstagramAccount } from '../graph/instagram.credentials';

export interface InstagramProfile {
  name?: string;
  username?: string;
  /** A signed CDN link that expires after some days. */
  profilePic?: string;
}

/**
 * Instagram's User Profile API: `GET /{igsid}?fields=name,username,profile_pic` with the
 * account's token, on the account's road (graph.instagram.com for Instagram Login,
 * graph.facebook.com for the Page-linked flavour). Only people who messaged the account can
 * be looked up. Failures are PlatformErrors (Meta's codes mapped by the Graph client).
 */
@Injectable()
export class InstagramProfileClient {
  constructor(
    @Inject(INSTAGRAM_LOGIN_GRAPH) private readonly instagramGraph: MetaGraphClient,
    @Inject(FACEBOOK_LOGIN_GRAPH) private readonly facebookGraph: MetaGraphClient,
  ) {}

  async lookUp(account: InstagramAccount, igsid: string): Promise<InstagramProfile> {
    const graph =
      account.credentials.flavour === 'facebook-login' ? this.facebookGraph : this.instagramGraph;
    const { body } = await graph.request<Record<string, unknown> | undefined>(
      account.credentials.accessToken,
      {
        operation: 'profile_lookup',
        method: 'GET',
        path: graphPath(igsid),
        query: { fields: 'name,username,profile_pic' },
      },
    );
    const text = (value: unknown) =>
      typeof value === 'string' && value.trim() !== '' ? value : undefined;
    return {
      name: text(body?.name),
      username: text(body?.username),
      profilePic: text(body?.profile_pic),
    };
  }
}
