import { Body, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { ApiAcceptedResponse, ApiHeader, ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { TenantId } from '@core/auth/auth.decorators';
import { ValidationFailedError } from '@core/errors/domain-error';
import { OutboundDispatcher } from './outbound.dispatcher';
import { AcceptedMessageDto, SendMessageDto } from './send-message.dto';

@ApiV2Controller('messages', 'messages')
export class MessagesController {
  constructor(
    private readonly dispatcher: OutboundDispatcher,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a message',
    description:
      'Validates and queues the message, then answers 202 with its id and URL; follow its status there. ' +
      'Send an Idempotency-Key to make retries of this request safe.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Up to 255 characters, unique per send',
  })
  @ApiAcceptedResponse({ type: AcceptedMessageDto })
  @ApiProblems(400, 404, 409, 422)
  async send(
    @TenantId() tenantId: string,
    @Body() body: SendMessageDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AcceptedMessageDto> {
    if (
      idempotencyKey !== undefined &&
      (idempotencyKey.length === 0 || idempotencyKey.length > 255)
    ) {
      throw new ValidationFailedError([
        { field: 'Idempotency-Key', message: 'Idempotency-Key must be 1 to 255 characters' },
      ]);
    }
    const accepted = await this.dispatcher.accept(tenantId, body, idempotencyKey);
    const url = `${this.config.http.publicBaseUrl}/api/v2/messages/${accepted.id}`;
    void reply.header('location', url);
    return { ...accepted, url };
  }
}
