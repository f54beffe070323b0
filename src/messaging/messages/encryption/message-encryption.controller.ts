import { Body, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { TenantId } from '@core/auth/auth.decorators';
import { MessageEncryptionDto } from './message-encryption.dto';
import { MessageEncryptionSettings } from './message-encryption.settings';

/** The calling tenant's choice to store message text sealed at rest. */
@ApiV2Controller('settings/message-encryption', 'messages')
export class MessageEncryptionController {
  constructor(private readonly settings: MessageEncryptionSettings) {}

  @Get()
  @ApiOperation({ summary: 'Whether message text is stored sealed at rest (off until set)' })
  @ApiOkResponse({ type: MessageEncryptionDto })
  async get(@TenantId() tenantId: string): Promise<MessageEncryptionDto> {
    return { enabled: await this.settings.enabled(tenantId) };
  }

  @Put()
  @ApiOperation({
    summary: 'Turn sealing of message text at rest on or off',
    description:
      'Applies to messages stored from now on (on other instances within 30 s); stored ' +
      'messages keep their form, and history reads both.',
  })
  @ApiOkResponse({ type: MessageEncryptionDto })
  @ApiProblems(400)
  async put(
    @TenantId() tenantId: string,
    @Body() body: MessageEncryptionDto,
  ): Promise<MessageEncryptionDto> {
    return { enabled: await this.settings.set(tenantId, body.enabled) };
  }
}
