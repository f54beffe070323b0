import type { ChannelAccountRef } from '@core/channel/channel-account';
import {
  ChannelCredentials,
  textField,
  unusableCredential,
} from '@core/channel/channel-credentials';

/**
 * What an Instagram channel account holds (decrypted). Its `externalId` is the Instagram
 * professional account id (the `entry[].id` of its webhooks, the IG id of Instagram Login).
 * - `flavour`: which API the token belongs to (INSTAGRAM_FLAVOURS).
 * - `accessToken`: an Instagram user token (Instagram Login) or a Page token (Facebook Login).
 * - `pageId`: the Facebook Page the account is linked to; the Page-linked flavour sends through
 *   `/{page-id}/messages`, so it is required there and absent with Instagram Login.
 * - `appSecret`: this account's Meta app secret when it is not META_APP_SECRET (webhooks).
 * - `humanAgentTag`: a person answers through this account, so its sends carry Meta's
 *   HUMAN_AGENT tag and may go out up to 7 days after the customer's last message.
 *
 * A type alias rather than an interface, so an InstagramAccount is a plain ChannelAccountRef.
 */
export type InstagramCredentials = {
  flavour: InstagramFlavour;
  accessToken: string;
  pageId?: string;
  appSecret?: string;
  humanAgentTag?: boolean;
};

/**
 * Meta's two APIs for Instagram Direct: `instagram-login` (Instagram API with Instagram Login:
 * graph.instagram.com, an Instagram user token, no Facebook Page) and `facebook-login`
 * (Messenger API for Instagram: graph.facebook.com through the linked Page, a Page token).
 * The same Instagram account, the same webhooks and the same messages either way, so they are
 * one provider and one account row: connecting an account twice, once per road, is the 409
 * it should be, and every webhook entry names exactly one account.
 */
export const INSTAGRAM_FLAVOURS = ['instagram-login', 'facebook-login'] as const;
export type InstagramFlavour = (typeof INSTAGRAM_FLAVOURS)[number];

export type InstagramAccount = ChannelAccountRef<InstagramCredentials>;

/** Reads an Instagram account's stored credentials; without a token nothing can work ('auth'). */
export const INSTAGRAM_CREDENTIALS: ChannelCredentials<InstagramCredentials> = {
  parse(raw, account) {
    const accessToken = textField(raw, 'accessToken');
    if (!accessToken) throw unusableCredential(account, 'auth', 'Instagram access token');
    const flavour = INSTAGRAM_FLAVOURS.find((known) => known === raw.flavour);
    if (!flavour) throw unusableCredential(account, 'rejected', 'Instagram API flavour');
    const pageId = textField(raw, 'pageId');
    // The Page-linked API sends through the Page: without it no send can be addressed.
    if (flavour === 'facebook-login' && !pageId) {
      throw unusableCredential(account, 'rejected', 'Facebook Page id');
    }
    const appSecret = textField(raw, 'appSecret');
    return {
      flavour,
      accessToken,
      ...(pageId ? { pageId } : {}),
      ...(appSecret ? { appSecret } : {}),
      ...(raw.humanAgentTag === true ? { humanAgentTag: true } : {}),
    };
  },
};
