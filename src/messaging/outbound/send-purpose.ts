import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { ChannelAccountRef } from '@core/channel/channel-account';
import type { OutboundContent } from '@core/channel/outbound-message';

/** What a send is for; consent is given and withdrawn per purpose. */
export const SERVICE_PURPOSE = 'service';
export const MARKETING_PURPOSE = 'marketing';

/** A purpose name: lower case, digits and underscores (it becomes part of error codes). */
export const PURPOSE_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;

/**
 * Purposes only Omnihub itself may give a send: the confirmation of an opt-out keyword must
 * reach the very contact who withdrew everything, so no API caller may claim it.
 */
export const KEYWORD_CONFIRMATION_PURPOSE = 'keyword_confirmation';
export const SYSTEM_PURPOSES: readonly string[] = [KEYWORD_CONFIRMATION_PURPOSE];

/**
 * Where a platform with a template catalog tells the category its platform gave a template
 * (Meta: MARKETING, UTILITY, AUTHENTICATION). Discovered at boot like outbound rules:
 *
 *   @Injectable() @TemplateCategorySource()
 *   export class MetaTemplateCategories implements TemplateCategoryLookup { ... }
 */
export interface TemplateCategoryLookup {
  appliesTo(account: Pick<ChannelAccountRef, 'hub' | 'provider'>): boolean;
  /** The category in upper case, or undefined when the catalog does not know the template. */
  categoryOf(
    tenantId: string,
    accountId: string,
    template: { name: string; language: string },
  ): Promise<string | undefined>;
}

export const TemplateCategorySource = DiscoveryService.createDecorator<void>();

/**
 * The purpose of a send: the caller's explicit `purpose`; else, for a template, its platform
 * category (MARKETING → marketing, UTILITY and AUTHENTICATION → service); else `service`
 * (free text inside the window answers the contact). A template whose category nobody can
 * tell counts as marketing: the strictest reading, so an unknown template never slips past a
 * missing marketing consent.
 */
@Injectable()
export class SendPurposes implements OnModuleInit {
  private sources: TemplateCategoryLookup[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.sources = this.discovery
      .getProviders({ metadataKey: TemplateCategorySource.KEY })
      .map((wrapper) => wrapper.instance as TemplateCategoryLookup);
  }

  async purposeOf(
    tenantId: string,
    account: Pick<ChannelAccountRef, 'id' | 'hub' | 'provider'>,
    content: OutboundContent,
    explicit: string | undefined,
  ): Promise<string> {
    if (explicit) return explicit;
    if (content.type !== 'template') return SERVICE_PURPOSE;
    const source = this.sources.find((candidate) => candidate.appliesTo(account));
    const category = await source?.categoryOf(tenantId, account.id, content.template);
    return purposeOfCategory(category);
  }
}

export function purposeOfCategory(category: string | undefined): string {
  switch (category) {
    case 'UTILITY':
    case 'AUTHENTICATION':
      return SERVICE_PURPOSE;
    default:
      return MARKETING_PURPOSE;
  }
}
