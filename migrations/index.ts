import { CreateTenantsAndApiKeys1795360000000 } from './1795360000000-create-tenants-and-api-keys';

/** Every migration, oldest first. `npm run migration:generate` output must be added here. */
export const MIGRATIONS = [CreateTenantsAndApiKeys1795360000000];
