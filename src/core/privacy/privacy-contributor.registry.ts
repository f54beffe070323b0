import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { DataContributor, PrivacyContributor } from './privacy-contributor';

/**
 * Every @PrivacyContributor() in the app. A malformed or duplicated one stops the boot: an
 * erasure that silently skipped a module would report done with that module's data still held.
 */
@Injectable()
export class PrivacyContributorRegistry implements OnModuleInit {
  private readonly contributors = new Map<string, DataContributor>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: PrivacyContributor.KEY })) {
      const candidate = wrapper.instance as Partial<DataContributor> | undefined;
      const owner = String(wrapper.name);
      if (
        typeof candidate?.name !== 'string' ||
        typeof candidate.export !== 'function' ||
        typeof candidate.erase !== 'function'
      ) {
        throw new Error(`${owner} is marked @PrivacyContributor() but lacks name, export or erase`);
      }
      const taken = this.contributors.get(candidate.name);
      if (taken && taken !== candidate)
        throw new Error(
          `Two privacy contributors are named '${candidate.name}' (${owner} and another)`,
        );
      this.contributors.set(candidate.name, candidate as DataContributor);
    }
  }

  /** Every contributor; the contact's owner last, so the others can still find their rows. */
  all(): DataContributor[] {
    return [...this.contributors.values()].sort(
      (a, b) => Number(a.ownsContacts ?? false) - Number(b.ownsContacts ?? false),
    );
  }

  names(): string[] {
    return this.all().map((contributor) => contributor.name);
  }
}
