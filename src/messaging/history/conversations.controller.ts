import { Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Page } from '@core/api/pagination';
import { UuidPipe } from '@core/api/uuid.pipe';
import { TenantId } from '@core/auth/auth.decorators';
import { ConversationDto, ConversationPageDto } from './conversation.view';
import { ConversationsQuery } from './conversations.query';
import { ConversationListQueryDto, MessageListQueryDto } from './history-query.dto';
import { MessageDto, MessagePageDto } from './message.view';
import { MessageHistoryQuery } from './message-history.query';

/** The frontend's inbox: conversations, newest activity first, and their history. */
@ApiV2Controller('conversations', 'conversations')
export class ConversationsController {
  constructor(
    private readonly conversations: ConversationsQuery,
    private readonly messages: MessageHistoryQuery,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List conversations, newest activity first, with the last message preview',
  })
  @ApiOkResponse({ type: ConversationPageDto })
  @ApiProblems(400)
  list(
    @TenantId() tenantId: string,
    @Query() query: ConversationListQueryDto,
  ): Promise<Page<ConversationDto>> {
    return this.conversations.page(tenantId, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: ConversationDto })
  @ApiProblems(400, 404)
  get(@TenantId() tenantId: string, @Param('id', UuidPipe) id: string): Promise<ConversationDto> {
    return this.conversations.get(tenantId, id);
  }

  @Get(':id/messages')
  @ApiOperation({
    summary: "A conversation's messages, newest first; pages never shift as new ones arrive",
  })
  @ApiOkResponse({ type: MessagePageDto })
  @ApiProblems(400, 404)
  messagesOf(
    @TenantId() tenantId: string,
    @Param('id', UuidPipe) id: string,
    @Query() query: MessageListQueryDto,
  ): Promise<Page<MessageDto>> {
    return this.messages.page(tenantId, id, query);
  }
}
