import { AuditTrail } from '@app/audit/audit-trail';
import { Injectable } from '@nestjs/common';
import { decodeIdCursor, Page, toPage } from '@core/api/pagination';
import { encryptedColumnContext } from '@core/crypto/encrypted-column';
import { SecretBox } from '@core/crypto/secret-box';
import { newWebhookSecret } from '@core/crypto/webhook-signature';
import { newId } from '@core/database/ids';
import { NotFoundError, ValidationFailedError } from '@core/errors/domain-error';
import { LinkRefusedError } from '@core/http/link-refused.error';
import { PublicLinkGuard } from '@core/http/public-link.guard';
import { ALERT_CHANNEL_SECRET_COLUMN, ALERT_CHANNEL_URL_COLUMN } from './alert-channel-columns';
import { AlertChannelsRepository } from './alert-channels.repository';
import {
  AlertChannelDto,
  AlertChannelWithSecretDto,
  CreateAlertChannelDto,
  UpdateAlertChannelDto,
} from './alert-channels.dto';

/**
 * A tenant's own alert channels; another tenant's are not found. Creating, changing and
 * deleting one is audited (`alert_channel.<verb>`): a channel redirected elsewhere is where a
 * tenant's alerts, and a webhook's signing secret, would go.
 */
@Injectable()
export class AlertChannelsService {
  constructor(
    private readonly channels: AlertChannelsRepository,
    private readonly guard: PublicLinkGuard,
    private readonly secrets: SecretBox,
    private readonly audit: AuditTrail,
  ) {}

  async create(
    tenantId: string,
    command: CreateAlertChannelDto,
  ): Promise<AlertChannelWithSecretDto> {
    await this.assertUrl(command.url);
    const id = newId();
    const secret = command.kind === 'webhook' ? newWebhookSecret() : undefined;
    const row = await this.channels.insert({
      id,
      tenantId,
      kind: command.kind,
      name: command.name,
      url: this.secrets.seal(command.url, encryptedColumnContext(ALERT_CHANNEL_URL_COLUMN, id)),
      urlHint: hintOf(command.url),
      secret: secret ? this.sealSecret(id, secret) : null,
      minSeverity: command.minSeverity ?? 'warning',
      active: command.active ?? true,
    });
    await this.record('alert_channel.created', tenantId, id);
    return secret ? { ...AlertChannelDto.from(row), secret } : AlertChannelDto.from(row);
  }

  async list(tenantId: string, limit: number, cursor?: string): Promise<Page<AlertChannelDto>> {
    const rows = await this.channels.list(tenantId, decodeIdCursor(cursor), limit + 1);
    return toPage(
      rows,
      limit,
      (row) => [row.id],
      (row) => AlertChannelDto.from(row),
    );
  }

  async get(tenantId: string, id: string): Promise<AlertChannelDto> {
    const row = await this.channels.get(tenantId, id);
    if (!row) throw notFound();
    return AlertChannelDto.from(row);
  }

  async update(
    tenantId: string,
    id: string,
    command: UpdateAlertChannelDto,
  ): Promise<AlertChannelWithSecretDto> {
    const existing = await this.channels.get(tenantId, id);
    if (!existing) throw notFound();
    if (command.rotateSecret && existing.kind !== 'webhook') {
      throw new ValidationFailedError([
        { field: 'rotateSecret', message: 'only webhook channels have a signing secret' },
      ]);
    }
    if (command.url !== undefined) await this.assertUrl(command.url);
    const secret = command.rotateSecret ? newWebhookSecret() : undefined;
    const row = await this.channels.update(tenantId, id, {
      name: command.name,
      url:
        command.url === undefined
          ? undefined
          : this.secrets.seal(command.url, encryptedColumnContext(ALERT_CHANNEL_URL_COLUMN, id)),
      urlHint: command.url === undefined ? undefined : hintOf(command.url),
      secret: secret ? this.sealSecret(id, secret) : undefined,
      minSeverity: command.minSeverity,
      active: command.active,
    });
    if (!row) throw notFound();
    await this.record('alert_channel.updated', tenantId, id);
    return secret ? { ...AlertChannelDto.from(row), secret } : AlertChannelDto.from(row);
  }

  async delete(tenantId: string, id: string): Promise<void> {
    if (!(await this.channels.delete(tenantId, id))) throw notFound();
    await this.record('alert_channel.deleted', tenantId, id);
  }

  private async record(action: string, tenantId: string, id: string): Promise<void> {
    await this.audit.record({ action, tenantId, resource: { type: 'alert_channel', id } });
  }

  /** The guard's full check, DNS included, answered as a 400 naming `url`. */
  private async assertUrl(url: string): Promise<void> {
    try {
      await this.guard.assertPublic(
        url,
        { hub: 'alerts', operation: 'configure' },
        'alert channel URL',
      );
    } catch (error) {
      if (!(error instanceof LinkRefusedError)) throw error;
      const why = error.message.replace(/^alerts configure: /, '');
      throw new ValidationFailedError([{ field: 'url', message: why }]);
    }
  }

  private sealSecret(id: string, secret: string): string {
    return this.secrets.seal(secret, encryptedColumnContext(ALERT_CHANNEL_SECRET_COLUMN, id));
  }
}

/** What the API shows of a URL whose path is the credential: scheme and host. */
function hintOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}/…`;
}

function notFound(): NotFoundError {
  return new NotFoundError('Alert channel', 'ALERTS.CHANNEL_NOT_FOUND');
}
