import { Injectable } from '@nestjs/common';
import type { HubName } from '@core/channel/hub-name';
import type { ContactProfile } from '@app/messaging/contacts/contacts.service';
import { BitrixRestClient } from '../rest/bitrix-rest.client';
import { BitrixChat, BitrixChatsRepository } from './bitrix-chats.repository';

export interface ChatPerson {
  chat: BitrixChat;
  profile: ContactProfile;
  hub: HubName;
}

/**
 * A customer's CRM contact, once per chat: found by phone with crm.duplicate.findbycomm
 * first, created with crm.contact.add only when none exists. Every chat of a flush is looked
 * up in one `batch` and the missing ones created in a second, so a burst of new customers
 * costs two requests, not two per customer. Runs under the portal's flush lock, so two flushes
 * never create the same contact.
 */
@Injectable()
export class CrmContacts {
  constructor(
    private readonly rest: BitrixRestClient,
    private readonly chats: BitrixChatsRepository,
  ) {}

  async ensure(portalId: string, people: readonly ChatPerson[]): Promise<void> {
    const missing = people.filter((p) => !p.chat.crmContactId);
    if (!missing.length) return;
    const withPhone = missing.filter((p) => p.profile.phone);
    const found = new Map<string, string>();
    if (withPhone.length) {
      const lookups = await this.rest.batch(
        portalId,
        Object.fromEntries(
          withPhone.map((p, i) => [
            `c${i}`,
            {
              method: 'crm.duplicate.findbycomm',
              params: { entity_type: 'CONTACT', type: 'PHONE', values: [p.profile.phone] },
            },
          ]),
        ),
      );
      withPhone.forEach((p, i) => {
        const answer = lookups.result[`c${i}`] as { CONTACT?: (number | string)[] } | undefined;
        const id = answer && !Array.isArray(answer) ? answer.CONTACT?.[0] : undefined;
        if (id !== undefined) found.set(p.chat.id, String(id));
      });
    }
    const toCreate = missing.filter((p) => !found.has(p.chat.id));
    if (toCreate.length) {
      const created = await this.rest.batch(
        portalId,
        Object.fromEntries(
          toCreate.map((p, i) => [
            `n${i}`,
            { method: 'crm.contact.add', params: { fields: fieldsOf(p) } },
          ]),
        ),
        { atMostOnce: true },
      );
      toCreate.forEach((p, i) => {
        const id = created.result[`n${i}`];
        if (typeof id === 'number' || typeof id === 'string') found.set(p.chat.id, String(id));
      });
    }
    for (const [chatId, crmId] of found) await this.chats.setCrmContact(chatId, crmId);
  }
}

function fieldsOf(person: ChatPerson): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    NAME: person.profile.name ?? person.chat.recipient,
    SOURCE_ID: 'OTHER',
    SOURCE_DESCRIPTION: `Omnihub (${person.hub})`,
  };
  if (person.profile.phone) fields.PHONE = [{ VALUE: person.profile.phone, VALUE_TYPE: 'WORK' }];
  else {
    fields.IM = [
      {
        VALUE: person.chat.recipient,
        VALUE_TYPE: person.hub === 'instagram' ? 'INSTAGRAM' : 'OTHER',
      },
    ];
  }
  return fields;
}
