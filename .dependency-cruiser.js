/**
 * The module boundaries of DESIGN.md, executable (`npm run boundaries`, part of `npm test`):
 * - core/ is cross-cutting and knows no feature module;
 * - a platform module never imports another platform module;
 * - meta/ is the Meta family that WhatsApp and Instagram share: they may import it, it imports
 *   neither of them, and nothing else imports it;
 * - modules talk through exported providers, never each other's entities (except via core);
 * - messaging's data is read and changed through its exported services, never its entities or
 *   repositories (raw SQL on its tables: src/messaging/messaging-tables.boundary.spec.ts);
 * - instagram/, tiktok/, calendar/, bitrix/, tenant-webhooks/, live-events/, alerts/ and consent/
 *   plug in by decorators and nobody imports them (other modules raise alerts through core's
 *   AlertRaiser);
 *   the event-stream listeners import no platform;
 * - nothing imports test code, and there are no cycles.
 */
const PLATFORMS = ['whatsapp', 'instagram', 'tiktok', 'calendar', 'bitrix'];
/** The platforms built on Meta's Graph API and webhooks (src/meta/). */
const META_PRODUCTS = ['whatsapp', 'instagram'];
const FEATURES = [
  'tenants',
  'messaging',
  'meta',
  ...PLATFORMS,
  'consent',
  'hub-health',
  'tenant-webhooks',
  'live-events',
  'alerts',
  'audit',
  'privacy',
];
/**
 * Modules that plug in by decorators only (providers, inbound handlers, outbound rules, event
 * subscribers): nothing but app.module names them, so each can be left out of a build alone.
 */
const PLUG_INS = [
  'instagram',
  'tiktok',
  'calendar',
  'tenant-webhooks',
  'live-events',
  'alerts',
  'consent',
  'bitrix',
];
/** Listeners on the messaging event stream: they see every channel, so they know none. */
const STREAM_LISTENERS = ['tenant-webhooks', 'live-events', 'alerts', 'consent'];

module.exports = {
  forbidden: [
    {
      name: 'core-knows-no-feature',
      comment: 'src/core is shared machinery; features plug into it through tokens, not imports.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: `^src/(${FEATURES.join('|')})/` },
    },
    {
      name: 'config-is-a-leaf',
      comment: 'Config is read by everything and imports nothing of ours.',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/(?!config/)' },
    },
    ...PLATFORMS.map((platform) => ({
      name: `${platform}-imports-no-other-platform`,
      comment: 'A platform module depends on core/ and messaging/, never on another platform.',
      severity: 'error',
      from: { path: `^src/${platform}/` },
      to: { path: `^src/(${PLATFORMS.filter((p) => p !== platform).join('|')})/` },
    })),
    {
      name: 'meta-imports-no-platform',
      comment:
        'meta/ serves every Meta product; it names sources and hubs, never imports a product. ' +
        'Products plug in by registering inbound handlers and their own Graph client.',
      severity: 'error',
      from: { path: '^src/meta/' },
      to: { path: `^src/(${PLATFORMS.join('|')})/` },
    },
    {
      name: 'only-meta-products-import-meta',
      comment: 'The Meta family is shared by Meta products only; other modules never need it.',
      severity: 'error',
      from: { path: '^src/', pathNot: [`^src/(meta|${META_PRODUCTS.join('|')})/`] },
      to: { path: '^src/meta/' },
    },
    ...PLUG_INS.map((module) => ({
      name: `nobody-imports-${module}`,
      comment:
        `${module}/ plugs in through decorators; no module but app.module (and the list of ` +
        'encrypted columns the secret rotation walks) names it.',
      severity: 'error',
      from: {
        path: '^src/',
        pathNot: [`^src/${module}/`, '^src/(app\\.module|encrypted-columns)\\.ts$'],
      },
      to: { path: `^src/${module}/` },
    })),
    ...STREAM_LISTENERS.map((module) => ({
      name: `${module}-knows-no-platform`,
      comment:
        `${module}/ hears every channel on the messaging event stream and reads messaging's ` +
        'exported services; it imports core, config, tenants and messaging, never a platform or meta/.',
      severity: 'error',
      from: { path: `^src/${module}/` },
      to: {
        path: `^src/(meta|${PLATFORMS.join('|')}|${STREAM_LISTENERS.filter((m) => m !== module).join('|')})/`,
      },
    })),
    {
      name: 'audit-imports-no-feature',
      comment:
        'Every feature records into audit/ (AuditTrail), so audit/ imports none of them: it ' +
        'knows actions by their codes, not the modules that take them.',
      severity: 'error',
      from: { path: '^src/audit/' },
      to: { path: `^src/(${FEATURES.filter((f) => f !== 'audit').join('|')})/` },
    },
    {
      name: 'no-foreign-entities',
      comment:
        "A feature reads another feature's data through its exported services, not its entities. " +
        "An entity may name another module's entity, for a foreign key.",
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: ['^src/(data-source\\.ts|cli/)', '\\.entity\\.ts$'] },
      to: { path: '^src/([^/]+)/.*\\.entity\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'messaging-data-through-its-services',
      comment:
        "Other modules use messaging's exported services and ports (ChannelAccountsQuery, " +
        'MessageLookup, FailedSendsRedrive, MessageCountsQuery...), never its entities or ' +
        'repositories: what messaging stores, and how, stays its own to change.',
      severity: 'error',
      from: {
        path: '^src/',
        pathNot: ['^src/messaging/', '^src/(data-source\\.ts|cli/)', '\\.entity\\.ts$'],
      },
      to: { path: '^src/messaging/.*\\.(entity|repository)\\.ts$' },
    },
    {
      name: 'messaging-knows-no-platform',
      comment: 'The messaging core is channel-agnostic; platforms register providers into it.',
      severity: 'error',
      from: { path: '^src/messaging/' },
      to: { path: `^src/(meta|${PLATFORMS.join('|')})/` },
    },
    {
      name: 'no-test-code-in-src',
      severity: 'error',
      from: { path: '^(src|migrations)/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    // Resolve packages' subpath exports (csv-parse/sync) as Node and TypeScript do.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    exclude: { path: '\\.spec\\.ts$' },
  },
};
