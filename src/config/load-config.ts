import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { AppConfig } from './app-config';
import { EnvironmentVariables } from './env.schema';

export class InvalidConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'InvalidConfigError';
  }
}

/**
 * Validates a raw environment (normally `process.env`) and returns the typed config.
 * Empty strings count as unset so `.env` files can leave optional variables blank.
 * Throws `InvalidConfigError` naming every bad or missing variable.
 */
export function loadConfig(raw: NodeJS.ProcessEnv | Record<string, string | undefined>): AppConfig {
  const present = Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''),
  );
  const env = plainToInstance(EnvironmentVariables, present, { enableImplicitConversion: false });
  const errors = validateSync(env, { whitelist: false, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new InvalidConfigError(errors.map((error) => describe(error, present[error.property])));
  }
  return new AppConfig(env);
}

function describe(error: ValidationError, raw: string | undefined): string {
  const reasons = Object.values(error.constraints ?? {});
  const shown = /SECRET|KEY|PASSWORD|TOKEN/i.test(error.property)
    ? '(hidden)'
    : JSON.stringify(raw);
  return raw === undefined
    ? `${error.property} is missing: ${reasons.join('; ')}`
    : `${error.property}=${shown} is invalid: ${reasons.join('; ')}`;
}
