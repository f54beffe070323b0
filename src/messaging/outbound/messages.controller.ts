import { Body, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '@config/app-config';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { IdempotencyKey, IdempotentRequest } from '@core/api/idempotency-key';
import { TenantId } from '@core/auth/auth.decorators';
import { OutboundDispatcher } from './outbound.dispatcher';
import { AcceptedMessageDto, SendMessageDto } from './send-message.dto';
import { ApiSendRoute, answerAccepted, sendMessageCommand } from './send-route';

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
  @ApiSendRoute()
  @ApiProblems(409)
  async send(
    @TenantId() tenantId: string,
    @Body() body: SendMessageDto,
    @IdempotencyKey() idempotent: IdempotentRequest | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AcceptedMessageDto> {
    const accepted = await this.dispatcher.accept(sendMessageCommand(tenantId, body, idempotent));
    return answerAccepted(reply, accepted, this.config.http.publicBaseUrl);
  }
}
