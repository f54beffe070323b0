import { Injectable } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { Page, decodeIdCursor, toPage } from '@core/api/pagination';
import { newId } from '@core/database/ids';
import { NotFoundError, ValidationFailedError } from '@core/errors/domain-error';
import { AuditTrail } from '@app/audit/audit-trail';
import { ContactFinder, ContactReference } from '@app/messaging/privacy/contact-finder';
import { ExportLinks } from '../exports/export-links';
import { PrivacyExportsRepository } from '../exports/privacy-exports.repository';
import type { PrivacyRequestType } from './privacy-request';
import { PrivacyRequestDto } from './privacy-requests.dto';
import { PrivacyRequestsEnqueuer } from './privacy-requests.enqueuer';
import { PrivacyRequestsRepository } from './privacy-requests.repository';

const DAY_MS = 86_400_000;

export interface CreatePrivacyRequest {
  type: PrivacyRequestType;
  contact: { id?: string; identity?: { type: string; value: string } };
}

/** A tenant's data subject requests: filing (audited), listing, status with receipts or link. */
@Injectable()
export class PrivacyRequestsService {
  constructor(
    private readonly config: AppConfig,
    private readonly requests: PrivacyRequestsRepository,
    private readonly exports: PrivacyExportsRepository,
    private readonly links: ExportLinks,
    private readonly contacts: ContactFinder,
    private readonly enqueuer: PrivacyRequestsEnqueuer,
    private readonly audit: AuditTrail,
  ) {}

  async create(tenantId: string, command: CreatePrivacyRequest): Promise<PrivacyRequestDto> {
    const contactId = await this.contacts.find(tenantId, referenceOf(command.contact));
    if (!contactId) throw new NotFoundError('Contact');
    const id = newId();
    const row = await this.requests.insert({
      id,
      tenantId,
      type: command.type,
      contactId,
      dueAt: new Date(Date.now() + this.config.privacy.requestDueDays * DAY_MS),
    });
    await this.audit.record({
      action: `privacy.${command.type}_requested`,
      tenantId,
      resource: { type: 'privacy_request', id },
    });
    await this.enqueuer.enqueue(id);
    return PrivacyRequestDto.from(row);
  }

  async list(tenantId: string, limit: number, cursor?: string): Promise<Page<PrivacyRequestDto>> {
    const rows = await this.requests.list(tenantId, decodeIdCursor(cursor), limit + 1);
    return toPage(
      rows,
      limit,
      (row) => [row.id],
      (row) => PrivacyRequestDto.from(row),
    );
  }

  async get(tenantId: string, id: string): Promise<PrivacyRequestDto> {
    const row = await this.requests.get(tenantId, id);
    if (!row) throw new NotFoundError('Privacy request');
    const view = PrivacyRequestDto.from(row);
    if (row.type === 'erasure') {
      view.receipts = (await this.requests.receipts(id)).map((r) => PrivacyRequestDto.receipt(r));
    } else if (row.status === 'completed') {
      const expiresAt = await this.exports.expiresAt(id);
      if (expiresAt && expiresAt > new Date())
        view.download = { url: this.links.link(id, expiresAt), expiresAt };
    }
    return view;
  }
}

function referenceOf(contact: CreatePrivacyRequest['contact']): ContactReference {
  if (contact.id && !contact.identity) return { id: contact.id };
  if (contact.identity && !contact.id) return { identity: contact.identity };
  throw new ValidationFailedError([
    { field: 'contact', message: 'contact must name exactly one of id or identity' },
  ]);
}
