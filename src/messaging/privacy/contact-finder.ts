import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ContactIdentity } from '@core/channel/messaging-rules';

/** How a caller names a contact: our id, or one of its identities (phone, wa_id, igsid...). */
export type ContactReference = { id: string } | { identity: ContactIdentity };

/** Finds a tenant's contact by id or identity; another tenant's contact is not found. */
@Injectable()
export class ContactFinder {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(tenantId: string, reference: ContactReference): Promise<string | undefined> {
    const rows: { id: string }[] =
      'id' in reference
        ? await this.db.query(`SELECT id FROM contacts WHERE tenant_id = $1 AND id = $2`, [
            tenantId,
            reference.id,
          ])
        : await this.db.query(
            `SELECT contact_id AS id FROM contact_identities
              WHERE tenant_id = $1 AND type = $2 AND value = $3`,
            [tenantId, reference.identity.type, reference.identity.value],
          );
    return rows[0]?.id;
  }
}
