import { Body, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { UuidPipe } from '@core/api/uuid.pipe';
import { TenantId } from '@core/auth/auth.decorators';
import { ConflictError, NotFoundError } from '@core/errors/domain-error';
import { SendOutcomesRepository } from '../messages/send-outcomes.repository';

export class SettleOutcomeDto {
  @ApiProperty({
    enum: ['sent', 'failed'],
    description:
      '`sent`: the customer got it (checked on the phone or the platform). `failed`: it did ' +
      'not go out; re-drive it (POST /api/v2/messages/retry) to send it again',
  })
  @IsIn(['sent', 'failed'])
  outcome!: 'sent' | 'failed';
}

export class SettledOutcomeDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['sent', 'failed'] })
  status!: string;
}

@ApiV2Controller('messages', 'messages')
export class SendOutcomeController {
  constructor(private readonly outcomes: SendOutcomesRepository) {}

  @Post(':id/outcome')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Settle a send whose outcome is unknown',
    description:
      'A message in status `unknown` may or may not have reached the platform, and Omnihub ' +
      'never sends it again by itself. Say what happened; to send it again instead, re-drive ' +
      'it by id. Answers 409 when the message is not `unknown` (a status or echo settled it).',
  })
  @ApiOkResponse({ type: SettledOutcomeDto })
  @ApiProblems(400, 404, 409)
  async settle(
    @TenantId() tenantId: string,
    @Param('id', UuidPipe) id: string,
    @Body() body: SettleOutcomeDto,
  ): Promise<SettledOutcomeDto> {
    const result = await this.outcomes.settleByOperator(tenantId, id, body.outcome);
    if (!result) throw new NotFoundError('Message');
    if (!result.settled) {
      throw new ConflictError(
        'MESSAGE.OUTCOME_KNOWN',
        `The message is ${result.status}, not unknown: there is nothing to settle`,
      );
    }
    return { id, status: result.status };
  }
}
