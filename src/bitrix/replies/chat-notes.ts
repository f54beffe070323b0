import { Injectable, Logger } from '@nestjs/common';
import { BitrixRestClient } from '../rest/bitrix-rest.client';

/**
 * A system note in an open-line chat (im.message.add with SYSTEM=Y): how agents learn that a
 * reply could not go out, instead of a silent failure. Best effort: the note failing must not
 * make the event retry and the reply's outcome be decided twice.
 */
@Injectable()
export class ChatNotes {
  private readonly logger = new Logger(ChatNotes.name);

  constructor(private readonly rest: BitrixRestClient) {}

  async post(portalId: string, bitrixChatId: string, text: string): Promise<void> {
    await this.rest
      .call(portalId, 'im.message.add', {
        DIALOG_ID: `chat${bitrixChatId}`,
        MESSAGE: text,
        SYSTEM: 'Y',
      })
      .catch((error: unknown) =>
        this.logger.warn(
          { portalId, err: error },
          'Could not post a system note in the Bitrix24 chat',
        ),
      );
  }
}

/** What the agent reads when a reply did not go out, by Omnihub's error code. */
export function noteFor(code: string, detail?: string): string {
  if (code.endsWith('WINDOW_CLOSED')) {
    return (
      '[Omnihub] Not sent: the customer last wrote more than 24 hours ago, so the channel only ' +
      'allows an approved template now. Send a template from Omnihub, or wait for the customer to write.'
    );
  }
  return `[Omnihub] Not sent (${code})${detail ? `: ${detail}` : ''}.`;
}
