import { parseReplyPayload, replyPayload } from './reply-payload';

const ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

describe('reminder reply payloads', () => {
  it('round-trips the reminder id and the action', () => {
    expect(parseReplyPayload(replyPayload(ID, 'cancel'))).toEqual({
      reminderId: ID,
      action: 'cancel',
    });
  });

  it.each([
    null,
    'Cancelar',
    `omnihub.reminder:${ID}:delete`,
    `omnihub.reminder:not-an-id:confirm`,
    `omnihub.reminder:${ID}:confirm:extra`,
    `other:${ID}:confirm`,
  ])('ignores a payload it did not set (%s)', (payload) => {
    expect(parseReplyPayload(payload)).toBeNull();
  });
});
