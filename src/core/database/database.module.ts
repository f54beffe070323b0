import { AppConfig } from '@config/app-config';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { postgresOptions } from './postgres-options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...postgresOptions(config.database),
        autoLoadEntities: true,
        // Boot fails after ~10 s instead of hanging when PostgreSQL is unreachable.
        retryAttempts: 5,
        retryDelay: 2_000,
      }),
    }),
  ],
})
export class DatabaseModule {}
