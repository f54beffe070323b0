import type { ContentKind, OutboundContent, QuickReply } from '@core/channel/outbound-message';
import type { RequestedContent, RequestedQuickReply } from './send-message.command';

/**
 * The requested content as channel-neutral content. `resolveMessageId` turns an Omnihub
 * message id (or a provider id, kept as is) into the provider id a reaction must name. What a
 * platform refuses in it is the provider's to say (MessagingRules.contentViolations).
 */
export async function toOutboundContent(
  dto: RequestedContent,
  resolveMessageId: (id: string) => Promise<string>,
): Promise<OutboundContent> {
  switch (dto.type) {
    case 'text':
      return {
        type: 'text',
        text: dto.text!.body,
        ...(dto.text!.previewUrl ? { previewUrl: true } : {}),
        ...(dto.text!.quickReplies?.length
          ? { quickReplies: dto.text!.quickReplies.map(toQuickReply) }
          : {}),
      };
    case 'image':
    case 'video':
    case 'document':
    case 'media': {
      const { caption, ...media } = dto.media!;
      return { type: dto.type, media, ...(caption ? { caption } : {}) };
    }
    case 'audio':
    case 'sticker': {
      const { caption: _ignored, ...media } = dto.media!;
      return { type: dto.type, media };
    }
    case 'location':
      return { type: 'location', ...dto.location! };
    case 'template':
      return {
        type: 'template',
        template: { ...dto.template!, components: dto.template!.components ?? [] },
      };
    case 'interactive':
      return { type: 'interactive', interactive: dto.interactive! };
    case 'contacts':
      return { type: 'contacts', contacts: dto.contacts! };
    case 'reaction':
      return {
        type: 'reaction',
        targetProviderMessageId: await resolveMessageId(dto.reaction!.messageId),
        emoji: dto.reaction!.emoji,
      };
    case 'sender_action':
      return { type: 'sender_action', action: dto.senderAction! };
  }
}

/**
 * Every kind a send asks of its provider (its type, and features such as quick replies), each
 * with the request field that asks for it, so a refusal names the field.
 */
export function kindsAskedBy(dto: RequestedContent): { kind: ContentKind; field: string }[] {
  const kinds: { kind: ContentKind; field: string }[] = [{ kind: dto.type, field: 'type' }];
  if (dto.type === 'text' && dto.text?.quickReplies?.length) {
    kinds.push({ kind: 'quick_replies', field: 'text.quickReplies' });
  }
  return kinds;
}

function toQuickReply(reply: RequestedQuickReply): QuickReply {
  return reply.type === 'text'
    ? { type: 'text', title: reply.title!, payload: reply.payload! }
    : { type: reply.type };
}
