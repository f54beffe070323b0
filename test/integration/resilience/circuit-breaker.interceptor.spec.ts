import { Controller, Injectable, Param, Post } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { FastifyRequest } from 'fastify';
import { ConfigModule } from '@config/config.module';
import { PlatformError } from '@core/errors/platform-error';
import { ProblemDetailsFilter } from '@core/errors/problem-details.filter';
import { RedisModule } from '@core/redis/redis.module';
import { CircuitBreakerRegistry } from '@core/resilience/circuit-breaker.registry';
import { GuardedByCircuit } from '@core/resilience/guarded-by-circuit.decorator';
import { ResilienceModule } from '@core/resilience/resilience.module';
import { testConfig } from '@test/support/test-app';

const THRESHOLD = 2;

/** Stands in for a platform: fails with a 502 while `down`. */
@Injectable()
class FakePlatform {
  down = false;
  sends = 0;

  send(): Promise<string> {
    this.sends += 1;
    return this.down
      ? Promise.reject(new PlatformError('whatsapp', 'send', 'server', 'Bad gateway'))
      : Promise.resolve('wamid.1');
  }
}

@Controller('accounts')
class SendController {
  handled = 0;

  constructor(
    private readonly breakers: CircuitBreakerRegistry,
    private readonly platform: FakePlatform,
  ) {}

  @Post(':accountId/messages')
  @GuardedByCircuit({ hub: 'whatsapp', provider: 'meta-cloud', accountParam: 'accountId' })
  async send(@Param('accountId') accountId: string) {
    this.handled += 1;
    const key = { hub: 'whatsapp', provider: 'meta-cloud', account: accountId };
    return { id: await this.breakers.execute(key, () => this.platform.send()) };
  }

  @Post('by-header/messages')
  @GuardedByCircuit({
    hub: 'whatsapp',
    provider: 'meta-cloud',
    accountParam: (request: FastifyRequest) => request.headers['x-account'] as string | undefined,
  })
  sendByHeader() {
    this.handled += 1;
    return { id: 'wamid.2' };
  }
}

describe('CircuitBreakerInterceptor', () => {
  let app: NestFastifyApplication;
  let controller: SendController;
  let platform: FakePlatform;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forConfig(
          testConfig({
            CIRCUIT_WHATSAPP_FAILURE_THRESHOLD: String(THRESHOLD),
            CIRCUIT_WHATSAPP_HALF_OPEN_AFTER_MS: '30000',
          }),
        ),
        RedisModule,
        ResilienceModule,
      ],
      controllers: [SendController],
      providers: [FakePlatform, { provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    controller = app.get(SendController);
    platform = app.get(FakePlatform);
  });

  afterAll(async () => {
    await app.close();
  });

  const send = (account: string) =>
    app.inject({ method: 'POST', url: `/accounts/${account}/messages` });

  it('answers 503 problem+json with Retry-After without calling the handler while open', async () => {
    platform.down = true;
    for (let i = 0; i < THRESHOLD; i++) expect((await send('acct-down')).statusCode).toBe(503);
    const handledBefore = controller.handled;
    const sendsBefore = platform.sends;

    const response = await send('acct-down');

    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(30);
    expect(response.json()).toMatchObject({ status: 503, code: 'CIRCUIT.OPEN' });
    expect(controller.handled).toBe(handledBefore);
    expect(platform.sends).toBe(sendsBefore);
  });

  it('lets requests for another account through', async () => {
    platform.down = false;
    const handledBefore = controller.handled;
    const response = await send('acct-up');
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ id: 'wamid.1' });
    expect(controller.handled).toBe(handledBefore + 1);
  });

  it('reads the account through a function of the request', async () => {
    const byHeader = (account: string) =>
      app.inject({
        method: 'POST',
        url: '/accounts/by-header/messages',
        headers: { 'x-account': account },
      });
    const handledBefore = controller.handled;
    expect((await byHeader('acct-down')).statusCode).toBe(503);
    expect(controller.handled).toBe(handledBefore);
    expect((await byHeader('acct-up')).statusCode).toBe(201);
    expect(controller.handled).toBe(handledBefore + 1);
  });
});
