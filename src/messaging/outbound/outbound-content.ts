import type { OutboundContent } from '@core/channel/outbound-message';
import { ValidationFailedError } from '@core/errors/domain-error';
import type { RequestedContent } from './send-message.command';

/**
 * The requested content as channel-agnostic content. `resolveMessageId` turns an Omnihub
 * message id (or a provider id, kept as is) into the provider id a reaction must name.
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
    case 'contacts': {
      const unnamed = dto.contacts!.findIndex(
        (card) =>
          typeof (card.name as { formatted_name?: unknown } | undefined)?.formatted_name !==
          'string',
      );
      if (unnamed >= 0) {
        throw new ValidationFailedError([
          {
            field: `contacts[${unnamed}].name.formatted_name`,
            message: 'every contact card needs name.formatted_name',
          },
        ]);
      }
      return { type: 'contacts', contacts: dto.contacts! };
    }
    case 'reaction':
      return {
        type: 'reaction',
        targetProviderMessageId: await resolveMessageId(dto.reaction!.messageId),
        emoji: dto.reaction!.emoji,
      };
  }
}
