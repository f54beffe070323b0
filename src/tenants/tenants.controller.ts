import { Body, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Page, PageQueryDto } from '@core/api/pagination';
import { UuidPipe } from '@core/api/uuid.pipe';
import { RequireRole } from '@core/auth/auth.decorators';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';
import {
  CreateTenantDto,
  CreatedTenantDto,
  TenantDto,
  TenantPageDto,
  UpdateTenantDto,
} from './dto/tenant.dto';
import { TenantsService } from './tenants.service';

/** Ops routes: create and manage tenants with the admin key. */
@ApiV2Controller('tenants', 'tenants (admin)')
@RequireRole('admin')
export class TenantsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create a tenant and its first API key (the key is shown only in this answer)',
  })
  @ApiCreatedResponse({ type: CreatedTenantDto })
  @ApiProblems(400, 409)
  create(@Body() body: CreateTenantDto): Promise<CreatedTenantDto> {
    return this.tenants.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List tenants, oldest first' })
  @ApiOkResponse({ type: TenantPageDto })
  list(@Query() query: PageQueryDto): Promise<Page<TenantDto>> {
    return this.tenants.list(query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOkResponse({ type: TenantDto })
  @ApiProblems(400, 404)
  get(@Param('id', UuidPipe) id: string): Promise<TenantDto> {
    return this.tenants.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename, suspend or reactivate a tenant' })
  @ApiOkResponse({ type: TenantDto })
  @ApiProblems(400, 404)
  update(@Param('id', UuidPipe) id: string, @Body() body: UpdateTenantDto): Promise<TenantDto> {
    return this.tenants.update(id, body);
  }

  @Post(':id/api-keys')
  @HttpCode(201)
  @ApiOperation({ summary: 'Issue an API key for a tenant (e.g. when it lost all of its keys)' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiProblems(400, 404)
  async issueKey(
    @Param('id', UuidPipe) id: string,
    @Body() body: CreateApiKeyDto,
  ): Promise<CreatedApiKeyDto> {
    await this.tenants.get(id);
    return this.apiKeys.create(id, body.name);
  }
}
