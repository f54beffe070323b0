import { Body, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Page, PageQueryDto } from '@core/api/pagination';
import { UuidPipe } from '@core/api/uuid.pipe';
import { AcceptCredentials, TenantId } from '@core/auth/auth.decorators';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyDto, ApiKeyPageDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';

/**
 * A tenant manages its own API keys. Creating and revoking them takes an API key: a frontend
 * JWT is a short-lived browser session, and must not mint credentials that outlive it (or
 * revoke the integrations' keys). The admin key issues keys under /tenants/{id}/api-keys.
 */
@ApiV2Controller('api-keys', 'api keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Get()
  @ApiOperation({ summary: "List this tenant's API keys (prefix only, never the key)" })
  @ApiOkResponse({ type: ApiKeyPageDto })
  list(@TenantId() tenantId: string, @Query() query: PageQueryDto): Promise<Page<ApiKeyDto>> {
    return this.apiKeys.list(tenantId, query.limit, query.cursor);
  }

  @Post()
  @AcceptCredentials('api-key')
  @ApiOperation({ summary: 'Create an API key; the key is shown only in this answer' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiProblems(400)
  create(@TenantId() tenantId: string, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.apiKeys.create(tenantId, body.name);
  }

  @Delete(':id')
  @HttpCode(204)
  @AcceptCredentials('api-key')
  @ApiOperation({ summary: 'Revoke an API key; requests using it fail from now on' })
  @ApiNoContentResponse()
  @ApiProblems(400, 404)
  revoke(@TenantId() tenantId: string, @Param('id', UuidPipe) id: string): Promise<void> {
    return this.apiKeys.revoke(tenantId, id);
  }
}
