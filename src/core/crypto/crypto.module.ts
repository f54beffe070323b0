import { Global, Module } from '@nestjs/common';
import { AppConfig } from '@config/app-config';
import { SecretBox } from './secret-box';

/**
 * The one `SecretBox`, built from `SECRETS_KEYS` at boot: a bad key ring stops the process
 * with a message naming the offending key id.
 */
@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => SecretBox.fromKeyRing(config.secrets.keyRing),
    },
  ],
  exports: [SecretBox],
})
export class CryptoModule {}
