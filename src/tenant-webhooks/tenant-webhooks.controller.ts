import { Body, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Page, PageQueryDto } from '@core/api/pagination';
import { UuidPipe } from '@core/api/uuid.pipe';
import { TenantId } from '@core/auth/auth.decorators';
import {
  CreateWebhookDto,
  UpdateWebhookDto,
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
  WebhookDto,
  WebhookPageDto,
  WebhookWithSecretDto,
} from './tenant-webhooks.dto';
import { TenantWebhooksService } from './tenant-webhooks.service';

/**
 * The calling tenant's webhook subscriptions: messaging events POSTed, signed, to the
 * tenant's own systems (not to be confused with platforms' webhooks into Omnihub, /webhooks/).
 */
@ApiV2Controller('webhooks', 'tenant webhooks')
export class TenantWebhooksController {
  constructor(private readonly webhooks: TenantWebhooksService) {}

  @Post()
  @ApiOperation({
    summary: 'Subscribe a URL to messaging events',
    description:
      'Each delivery is a POST with `{ id, type, createdAt, data }` and the headers ' +
      'Omnihub-Webhook-Id, Omnihub-Webhook-Timestamp and Omnihub-Webhook-Signature ' +
      '(`v1=` hex HMAC-SHA256 of `<timestamp>.<body>` under the secret). The secret is in ' +
      'this answer only.',
  })
  @ApiCreatedResponse({ type: WebhookWithSecretDto })
  @ApiProblems(400)
  create(
    @TenantId() tenantId: string,
    @Body() body: CreateWebhookDto,
  ): Promise<WebhookWithSecretDto> {
    return this.webhooks.create(tenantId, body);
  }

  @Get()
  @ApiOperation({ summary: "List this tenant's webhook subscriptions, oldest first" })
  @ApiOkResponse({ type: WebhookPageDto })
  @ApiProblems(400)
  list(@TenantId() tenantId: string, @Query() query: PageQueryDto): Promise<Page<WebhookDto>> {
    return this.webhooks.list(tenantId, query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOkResponse({ type: WebhookDto })
  @ApiProblems(400, 404)
  get(@TenantId() tenantId: string, @Param('id', UuidPipe) id: string): Promise<WebhookDto> {
    return this.webhooks.get(tenantId, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a subscription, turn it on or off, or rotate its secret',
    description: 'With `rotateSecret: true` the answer carries the new secret, once.',
  })
  @ApiOkResponse({ type: WebhookWithSecretDto })
  @ApiProblems(400, 404)
  update(
    @TenantId() tenantId: string,
    @Param('id', UuidPipe) id: string,
    @Body() body: UpdateWebhookDto,
  ): Promise<WebhookDto> {
    return this.webhooks.update(tenantId, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiProblems(400, 404)
  delete(@TenantId() tenantId: string, @Param('id', UuidPipe) id: string): Promise<void> {
    return this.webhooks.delete(tenantId, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: "A subscription's deliveries, newest first" })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  @ApiProblems(400, 404)
  deliveries(
    @TenantId() tenantId: string,
    @Param('id', UuidPipe) id: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<WebhookDeliveryDto>> {
    return this.webhooks.listDeliveries(tenantId, id, query.limit, query.cursor);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiOperation({ summary: 'Deliver again (same event id), with a fresh 24 h of retries' })
  @ApiOkResponse({ type: WebhookDeliveryDto })
  @ApiProblems(400, 404)
  redeliver(
    @TenantId() tenantId: string,
    @Param('id', UuidPipe) id: string,
    @Param('deliveryId', UuidPipe) deliveryId: string,
  ): Promise<WebhookDeliveryDto> {
    return this.webhooks.redeliver(tenantId, id, deliveryId);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a `webhook.ping` event to this subscription' })
  @ApiOkResponse({ type: WebhookDeliveryDto })
  @ApiProblems(400, 404)
  test(
    @TenantId() tenantId: string,
    @Param('id', UuidPipe) id: string,
  ): Promise<WebhookDeliveryDto> {
    return this.webhooks.ping(tenantId, id);
  }
}
