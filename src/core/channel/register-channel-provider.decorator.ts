import { DiscoveryService } from '@nestjs/core';

/**
 * Marks an `@Injectable()` class as a channel provider. Put it in the providers of its own
 * platform module as usual; the ChannelRegistry finds it at boot:
 *
 * ```ts
 * @Injectable()
 * @RegisterChannelProvider()
 * export class MetaCloudProvider implements MessagingProvider { ... }
 * ```
 *
 * The class must be a singleton (default scope) and must be registered with its own class
 * (`providers: [MetaCloudProvider]` or `useClass`); a `useValue` override is not discovered.
 */
export const RegisterChannelProvider = DiscoveryService.createDecorator<void>();
