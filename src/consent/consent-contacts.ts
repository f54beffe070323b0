import { Injectable } from '@nestjs/common';
import { ChannelRegistry } from '@core/channel/channel.registry';
import { isMessagingProvider } from '@core/channel/channel-provider';
import type { ContactIdentity } from '@core/channel/messaging-rules';
import { PHONE_IDENTITY } from '@core/channel/messaging-rules';
import { NotFoundError, ValidationFailedError } from '@core/errors/domain-error';
import { ContactsService } from '@app/messaging/contacts/contacts.service';

/** A contact as a consent request names it: by id, by phone, or by its handle on a channel. */
export interface ContactRef {
  id?: string;
  /** E.164, e.g. +5511987654321. */
  phone?: string;
  channel?: string;
  handle?: string;
}

/**
 * Turns a consent request's contact reference into a contact id, through messaging's exported
 * contacts service only. How an address maps to identities is each platform's rule
 * (MessagingRules.recipientIdentities), so a phone matches the contact however WhatsApp (Cloud
 * API or Evolution) stored it, and an Instagram handle its Instagram identity.
 */
@Injectable()
export class ConsentContacts {
  constructor(
    private readonly contacts: ContactsService,
    private readonly registry: ChannelRegistry,
  ) {}

  /** The contact the reference names; 404 when the tenant has none. */
  async find(tenantId: string, ref: ContactRef, field = 'contact'): Promise<string> {
    if (ref.id) {
      if (await this.contacts.exists(tenantId, ref.id)) return ref.id;
      throw new NotFoundError('Contact');
    }
    const found = await this.contacts.find(tenantId, this.identities(ref, field));
    if (!found) throw new NotFoundError('Contact');
    return found;
  }

  /**
   * The contact the reference names, created for a phone or handle not seen yet: consent is
   * often captured (a web form, an imported list) before the person's first message.
   */
  async findOrCreate(tenantId: string, ref: ContactRef, field = 'contact'): Promise<string> {
    if (ref.id) return this.find(tenantId, ref, field);
    return this.contacts.resolve(tenantId, this.identities(ref, field), {
      phone: ref.phone ? `+${digitsOf(ref.phone)}` : undefined,
    });
  }

  private identities(ref: ContactRef, field: string): ContactIdentity[] {
    const found = new Map<string, ContactIdentity>();
    const add = (identities: readonly ContactIdentity[] | undefined) =>
      identities?.forEach((identity) => found.set(`${identity.type}:${identity.value}`, identity));
    if (ref.phone) {
      add([{ type: PHONE_IDENTITY, value: `+${digitsOf(ref.phone)}` }]);
      for (const provider of this.registry.list().filter(isMessagingProvider)) {
        add(provider.rules.recipientIdentities(ref.phone));
      }
    } else if (ref.channel && ref.handle) {
      const providers = this.registry
        .list()
        .filter(isMessagingProvider)
        .filter((provider) => provider.hub === ref.channel);
      for (const provider of providers) add(provider.rules.recipientIdentities(ref.handle));
    }
    const identities = [...found.values()].filter((i) => this.registry.isIdentityKind(i.type));
    if (identities.length === 0) {
      throw new ValidationFailedError([
        {
          field,
          message: `${field} must name a contact: id, phone, or a channel with a handle on it`,
        },
      ]);
    }
    return identities;
  }
}

function digitsOf(phone: string): string {
  return phone.replace(/\D/g, '');
}
