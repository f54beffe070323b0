import { Body, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { UuidPipe } from '@core/api/uuid.pipe';
import { TenantId } from '@core/auth/auth.decorators';
import { ContactMerge } from './contact-merge';

export class MergeContactsDto {
  @ApiProperty({
    format: 'uuid',
    example: '0190f0c4-8f1e-7b3a-9c55-1d2e3f4a5b6c',
    description: 'The contact merged into the one in the path; it no longer exists afterwards',
  })
  @IsUUID()
  otherContactId!: string;
}

export class ContactMergeDto {
  @ApiProperty({ format: 'uuid', description: 'The contact that stays' })
  contactId!: string;

  @ApiProperty({ example: 2, description: 'Identities (phone, wa_id, igsid...) moved over' })
  identitiesMoved!: number;

  @ApiProperty({ example: 1, description: 'Conversations moved over as they were' })
  conversationsMoved!: number;

  @ApiProperty({
    example: 0,
    description:
      'Conversations on an account both contacts had: their messages joined the surviving ' +
      "contact's conversation on that account, and the emptied conversation was removed",
  })
  conversationsJoined!: number;
}

@ApiV2Controller('contacts', 'contacts')
export class ContactsController {
  constructor(private readonly merger: ContactMerge) {}

  @Post(':id/merge')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Merge another contact of this tenant into this one (one person, two contacts)',
    description:
      "Moves the other contact's identities and conversations to this one, fills this one's " +
      'missing name, phone and picture from it, deletes it and records `contact.updated`. ' +
      'Where both had a conversation on the same account, the messages join this contact’s ' +
      'conversation. 404 when the contact in the path is not this tenant’s; 422 ' +
      'CONTACT.MERGE_SOURCE_NOT_FOUND when `otherContactId` is not (or is already merged).',
  })
  @ApiOkResponse({ type: ContactMergeDto })
  @ApiProblems(400, 404, 422)
  merge(
    @TenantId() tenantId: string,
    @Param('id', UuidPipe) id: string,
    @Body() body: MergeContactsDto,
  ): Promise<ContactMergeDto> {
    return this.merger.merge({ tenantId, contactId: id, otherContactId: body.otherContactId });
  }
}
