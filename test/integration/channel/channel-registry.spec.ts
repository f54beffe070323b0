import type { RawCredentials } from '@core/channel/channel-credentials';
import { WHATSAPP_MESSAGING_RULES } from '@app/whatsapp/rules/whatsapp-messaging.rules';
import { Inject, Injectable, Module, OnModuleInit, Scope } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ChannelAccountRef } from '@core/channel/channel-account';
import {
  CHANNEL_PROVIDERS,
  ChannelProvider,
  MessagingProvider,
} from '@core/channel/channel-provider';
import { ChannelModule } from '@core/channel/channel.module';
import { ChannelRegistry } from '@core/channel/channel.registry';
import { HubHealth } from '@core/channel/hub-health';
import { MessageType, OutboundMessage, SendResult } from '@core/channel/outbound-message';
import { RegisterChannelProvider } from '@core/channel/register-channel-provider.decorator';
import { DomainError } from '@core/errors/domain-error';

const up = (detail: string): HubHealth => ({ status: 'up', detail, checkedAt: new Date() });

/** A private service of the fake WhatsApp module: providers keep their own module's deps. */
@Injectable()
class FakeIdGenerator {
  next(): string {
    return 'wamid.fake-1';
  }
}

@Injectable()
@RegisterChannelProvider()
class FakeCloudProvider implements MessagingProvider {
  readonly hub = 'whatsapp' as const;
  readonly provider = 'fake-cloud';
  readonly capabilities: ReadonlySet<MessageType> = new Set<MessageType>(['text', 'template']);
  readonly credentials = { parse: (raw: RawCredentials) => raw };
  readonly rules = WHATSAPP_MESSAGING_RULES;

  constructor(private readonly ids: FakeIdGenerator) {}

  checkHealth(): Promise<HubHealth> {
    return Promise.resolve(up('fake cloud reachable'));
  }

  send(account: ChannelAccountRef, message: OutboundMessage): Promise<SendResult> {
    return Promise.resolve({
      providerMessageId: `${account.externalId}:${message.id}:${this.ids.next()}`,
      acceptedAt: new Date(),
    });
  }
}

@Module({ providers: [FakeIdGenerator, FakeCloudProvider] })
class FakeWhatsappModule {}

@Injectable()
@RegisterChannelProvider()
class FakeCalendarProvider implements ChannelProvider {
  readonly hub = 'calendar' as const;
  readonly provider = 'fake-google';
  readonly credentials = { parse: (raw: RawCredentials) => raw };

  checkHealth(): Promise<HubHealth> {
    return Promise.resolve(up('fake calendar reachable'));
  }
}

@Module({ providers: [FakeCalendarProvider] })
class FakeCalendarModule {}

/** Stands in for HubHealthModule: knows no platform, only the token. */
@Injectable()
class ProviderListReader implements OnModuleInit {
  seenAtInit: string[] = [];

  constructor(@Inject(CHANNEL_PROVIDERS) readonly providers: readonly ChannelProvider[]) {}

  onModuleInit(): void {
    this.seenAtInit = this.providers.map((p) => `${p.hub}/${p.provider}`);
  }
}

@Module({ providers: [ProviderListReader] })
class ReaderModule {}

@Injectable()
@RegisterChannelProvider()
class SecondCloudProvider extends FakeCloudProvider {}

@Module({ providers: [FakeIdGenerator, SecondCloudProvider] })
class RivalWhatsappModule {}

const compile = (...imports: unknown[]) =>
  Test.createTestingModule({ imports: [ChannelModule, ...(imports as never[])] }).compile();

/** Boots the modules expecting init to fail; a failed init leaves nothing open to close. */
async function bootFailure(...imports: unknown[]): Promise<string> {
  const app = await compile(...imports);
  const outcome = await app.init().then(
    () => 'booted',
    (error: Error) => `${error.name}: ${error.message}`,
  );
  if (outcome === 'booted') await app.close();
  expect(outcome).toMatch(/^ChannelRegistrationError: /);
  return outcome;
}

describe('ChannelRegistry', () => {
  it('lists providers contributed by two modules through CHANNEL_PROVIDERS', async () => {
    const app = await compile(FakeWhatsappModule, FakeCalendarModule, ReaderModule);
    await app.init();
    try {
      const reader = app.get(ProviderListReader);
      expect(reader.seenAtInit.sort()).toEqual(['calendar/fake-google', 'whatsapp/fake-cloud']);
      expect(app.get<ChannelProvider[]>(CHANNEL_PROVIDERS)).toHaveLength(2);
      expect(app.get(ChannelRegistry).list()).toBe(reader.providers);
    } finally {
      await app.close();
    }
  });

  it('resolves a provider by hub and provider, with its own module dependencies', async () => {
    const app = await compile(FakeWhatsappModule, FakeCalendarModule);
    await app.init();
    try {
      const registry = app.get(ChannelRegistry);
      expect(registry.resolve('calendar', 'fake-google')).toBeInstanceOf(FakeCalendarProvider);
      const whatsapp = registry.messaging('whatsapp', 'fake-cloud');
      const account: ChannelAccountRef = {
        id: 'acc-1',
        tenantId: 'tenant-1',
        hub: 'whatsapp',
        provider: 'fake-cloud',
        externalId: 'phone-1',
        credentials: { accessToken: 'secret' },
      };
      const result = await whatsapp.send(account, {
        id: 'msg-1',
        to: '15550001',
        type: 'text',
        text: 'hi',
      });
      expect(result.providerMessageId).toBe('phone-1:msg-1:wamid.fake-1');
      expect(whatsapp.capabilities.has('template')).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('answers an unknown provider with CHANNEL.PROVIDER_NOT_FOUND', async () => {
    const app = await compile(FakeWhatsappModule);
    await app.init();
    try {
      const registry = app.get(ChannelRegistry);
      const attempt = () => registry.resolve('whatsapp', 'evolution');
      expect(attempt).toThrow(DomainError);
      expect(attempt).toThrow(
        expect.objectContaining({
          code: 'CHANNEL.PROVIDER_NOT_FOUND',
          kind: 'not-found',
        }) as Error,
      );
      expect(() => registry.messaging('instagram', 'fake-cloud')).toThrow(
        expect.objectContaining({ code: 'CHANNEL.PROVIDER_NOT_FOUND' }) as Error,
      );
    } finally {
      await app.close();
    }
  });

  it('refuses to hand out a provider that cannot send as a messaging provider', async () => {
    const app = await compile(FakeCalendarModule);
    await app.init();
    try {
      expect(() => app.get(ChannelRegistry).messaging('calendar', 'fake-google')).toThrow(
        expect.objectContaining({
          code: 'CHANNEL.PROVIDER_CANNOT_SEND',
          kind: 'unprocessable',
        }) as Error,
      );
    } finally {
      await app.close();
    }
  });

  it('refuses to connect accounts of a provider that cannot prove ownership (fails closed)', async () => {
    const app = await compile(FakeCalendarModule);
    await app.init();
    try {
      expect(() => app.get(ChannelRegistry).ownershipProver('calendar', 'fake-google')).toThrow(
        expect.objectContaining({
          code: 'CHANNEL_ACCOUNT.CONNECT_UNSUPPORTED',
          kind: 'unprocessable',
        }) as Error,
      );
    } finally {
      await app.close();
    }
  });

  it('fails the boot when two providers claim the same hub and provider, naming both', async () => {
    const message = await bootFailure(FakeWhatsappModule, RivalWhatsappModule);
    expect(message).toContain('Two channel providers claim whatsapp/fake-cloud');
    expect(message).toContain('FakeCloudProvider (FakeWhatsappModule)');
    expect(message).toContain('SecondCloudProvider (RivalWhatsappModule)');
  });

  it('fails the boot when a marked class is not a channel provider', async () => {
    @Injectable()
    @RegisterChannelProvider()
    class NotAProvider {
      readonly hub = 'fax';
    }
    @Module({ providers: [NotAProvider] })
    class FaxModule {}

    expect(await bootFailure(FaxModule)).toMatch(/NotAProvider \(FaxModule\) is marked/);
  });

  it('fails the boot when a provider is request-scoped', async () => {
    @Injectable({ scope: Scope.REQUEST })
    @RegisterChannelProvider()
    class ScopedProvider extends FakeCalendarProvider {}
    @Module({ providers: [ScopedProvider] })
    class ScopedModule {}

    expect(await bootFailure(ScopedModule)).toMatch(
      /ScopedProvider \(ScopedModule\) must be a singleton/,
    );
  });
});
