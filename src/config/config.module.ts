import { Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import { loadConfig } from './load-config';

/**
 * The one config source. `forRoot()` validates `process.env` at boot; tests pass their own
 * `AppConfig` with `forConfig()`.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot() {
    return ConfigModule.forConfig(loadConfig(process.env));
  }

  static forConfig(config: AppConfig) {
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}
