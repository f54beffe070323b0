import type { OutboundContent } from '@core/channel/outbound-message';
import type { SendMessageDto } from './send-message.dto';

/**
 * The validated request as channel-agnostic content. `resolveMessageId` turns an Omnihub
 * message id (or a provider id, kept as is) into the provider id a reaction must name.
 */
export async function toOutboundContent(
  dto: SendMessageDto,
  resolveMessageId: (id: string) => Promise<string>,
): Promise<OutboundContent> {
  switch (dto.type) {
    case 'text':
      return {
        type: 'text',
        text: dto.text!.body,
        ...(dto.text!.previewUrl ? { previewUrl: true } : {}),
      };
    case 'image':
    case 'video':
    case 'document': {
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
    case 'reaction':
      return {
        type: 'reaction',
        targetProviderMessageId: await resolveMessageId(dto.reaction!.messageId),
        emoji: dto.reaction!.emoji,
      };
  }
}
