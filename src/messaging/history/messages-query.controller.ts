import { Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { UuidPipe } from '@core/api/uuid.pipe';
import { TenantId } from '@core/auth/auth.decorators';
import { MessageDetailDto } from './message.view';
import { MessageHistoryQuery } from './message-history.query';

/**
 * The read side of `/api/v2/messages`. Sending (POST on the same path) lives in the outbound
 * controller; Nest merges both controllers' routes.
 */
@ApiV2Controller('messages', 'messages')
export class MessagesQueryController {
  constructor(private readonly messages: MessageHistoryQuery) {}

  @Get(':id')
  @ApiOperation({ summary: 'One message with its status history' })
  @ApiOkResponse({ type: MessageDetailDto })
  @ApiProblems(400, 404)
  get(@TenantId() tenantId: string, @Param('id', UuidPipe) id: string): Promise<MessageDetailDto> {
    return this.messages.get(tenantId, id);
  }
}
