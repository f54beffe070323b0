import { Delete, Get, HttpCode, Query, Redirect } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiV2Controller } from '@core/api/api-controller.decorator';
import { ApiProblems } from '@core/api/api-problems.decorator';
import { Public, TenantId } from '@core/auth/auth.decorators';
import { CalendarConnectionsRepository } from '../connection/calendar-connections.repository';
import { ConnectService } from '../connection/connect.service';
import { CalendarNotConnectedError } from '../calendar.errors';
import {
  CalendarConnectionDto,
  ConsentUrlDto,
  GrantedCalendarDto,
} from './calendar-connection.dto';

/** Connecting the tenant's Google account, its state, its calendars, disconnecting it. */
@ApiV2Controller('calendar', 'calendar')
export class CalendarConnectionController {
  constructor(
    private readonly connect: ConnectService,
    private readonly connections: CalendarConnectionsRepository,
  ) {}

  @Get('oauth/url')
  @ApiOperation({
    summary: "Google's consent URL for connecting this tenant's calendar",
    description:
      "Send the user's browser there. It asks for offline access to events and free/busy, " +
      'with a single-use state bound to this tenant (valid CALENDAR_OAUTH_STATE_TTL_SECONDS) and ' +
      'PKCE. Google then sends the browser to /api/v2/calendar/oauth/callback, which ends on ' +
      'CALENDAR_FRONTEND_REDIRECT_URL with `?calendar=connected` or `?calendar=error&code=...`.',
  })
  @ApiOkResponse({ type: ConsentUrlDto })
  @ApiProblems(503)
  consentUrl(@TenantId() tenantId: string): Promise<ConsentUrlDto> {
    return this.connect.consentUrl(tenantId);
  }

  /** Reached by the browser from Google: no API key; the sealed state names the tenant. */
  @Get('oauth/callback')
  @Public()
  @Redirect()
  @ApiExcludeEndpoint()
  async callback(
    // Read one by one: Google adds parameters of its own (scope, authuser, prompt, iss...),
    // which a whitelisting DTO would refuse.
    @Query('code') code: unknown,
    @Query('state') state: unknown,
    @Query('error') error: unknown,
  ): Promise<{ url: string; statusCode: number }> {
    const url = await this.connect.callback({
      code: single(code),
      state: single(state),
      error: single(error),
    });
    return { url, statusCode: 302 };
  }

  @Get('connection')
  @ApiOperation({ summary: 'The connected Google account, its state and granted calendars' })
  @ApiOkResponse({ type: CalendarConnectionDto })
  @ApiProblems(409)
  async connection(@TenantId() tenantId: string): Promise<CalendarConnectionDto> {
    const connection = await this.connections.findByTenant(tenantId);
    if (!connection) throw new CalendarNotConnectedError();
    return {
      id: connection.id,
      googleAccount: connection.googleAccount,
      status: connection.status,
      scopes: connection.scopes,
      calendars: await this.connections.calendars(tenantId),
      createdAt: connection.createdAt,
      updatedAt: connection.updatedAt,
    };
  }

  @Delete('connection')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Disconnect: revoke the grant at Google, then forget it here',
    description: '503 when Google cannot be reached to revoke (nothing is deleted then).',
  })
  @ApiProblems(409, 503)
  disconnect(@TenantId() tenantId: string): Promise<void> {
    return this.connect.disconnect(tenantId);
  }

  @Get('calendars')
  @ApiOperation({ summary: 'The calendars the connected Google account granted' })
  @ApiOkResponse({ type: [GrantedCalendarDto] })
  @ApiProblems(409)
  async calendars(@TenantId() tenantId: string): Promise<GrantedCalendarDto[]> {
    const connection = await this.connections.findByTenant(tenantId);
    if (!connection) throw new CalendarNotConnectedError();
    return this.connections.calendars(tenantId);
  }
}

/** A query parameter given once, as a string of sane length; anything else counts as absent. */
function single(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 4096 ? value : undefined;
}
