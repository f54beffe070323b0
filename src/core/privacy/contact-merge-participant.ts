import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { EntityManager } from 'typeorm';

export interface ContactsMerged {
  tenantId: string;
  /** The contact that stays. */
  survivorId: string;
  /** The contact merged into it, deleted when the merge commits. */
  absorbedId: string;
}

/**
 * A module keeping rows about contacts takes part in a contact merge: the absorbed contact is
 * deleted at the end of the merge's transaction, and whatever references it by foreign key
 * goes with it. A consent withdrawal lost that way would let marketing reach someone who said
 * stop, so each module moves (or re-records) its rows under the survivor first, inside the
 * same transaction (`tx`): the merge commits with every module's part, or not at all.
 */
export interface ContactMergeParticipant {
  readonly name: string;
  absorb(tx: EntityManager, merge: ContactsMerged): Promise<void>;
}

export const ContactMergeParticipant = DiscoveryService.createDecorator<void>();

/** Every @ContactMergeParticipant() in the app; a malformed one stops the boot. */
@Injectable()
export class ContactMergeParticipants implements OnModuleInit {
  private participants: ContactMergeParticipant[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.participants = this.discovery
      .getProviders({ metadataKey: ContactMergeParticipant.KEY })
      .map((wrapper) => {
        const candidate = wrapper.instance as Partial<ContactMergeParticipant> | undefined;
        if (typeof candidate?.name !== 'string' || typeof candidate.absorb !== 'function') {
          throw new Error(
            `${String(wrapper.name)} is marked @ContactMergeParticipant() but lacks name or absorb`,
          );
        }
        return candidate as ContactMergeParticipant;
      });
  }

  async absorb(tx: EntityManager, merge: ContactsMerged): Promise<void> {
    for (const participant of this.participants) await participant.absorb(tx, merge);
  }
}
