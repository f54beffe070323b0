import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = join(__dirname, '..');
const MESSAGING = join(SRC, 'messaging');
/** Operator tools act on every table by design (rotate-secrets re-seals every column). */
const EXEMPT = [join(SRC, 'cli')];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The tables messaging's entities map, read from their `@Entity({ name })`. */
function messagingTables(): string[] {
  return sourceFiles(MESSAGING)
    .filter((file) => file.endsWith('.entity.ts'))
    .flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/@Entity\(\{\s*name:\s*'([a-z_]+)'/g)].map(
        (match) => match[1],
      ),
    );
}

/**
 * DESIGN.md: modules never run SQL on another module's tables. dependency-cruiser keeps
 * messaging's entities and repositories out of other modules' imports; raw SQL names tables
 * in strings, which only reading the source finds. A module that needs messaging's data asks
 * its exported services (ChannelAccountsQuery, MessageCountsQuery, FailedSendsRedrive...).
 */
describe("Messaging's tables", () => {
  it('are known (the check below has something to look for)', () => {
    expect(messagingTables()).toEqual(
      expect.arrayContaining(['messages', 'conversations', 'channel_accounts', 'contacts']),
    );
  });

  it('are queried by no module but messaging', () => {
    const tables = messagingTables().join('|');
    // SQL keywords as this codebase writes them (upper case), outside comments.
    const sql = new RegExp(`\\b(FROM|JOIN|UPDATE|INTO|TABLE)\\s+(${tables})\\b`);
    const comment = /^\s*(\*|\/\*|\/\/)/;
    const offenders = sourceFiles(SRC)
      .filter((file) => !file.startsWith(MESSAGING + '/'))
      .filter((file) => !EXEMPT.some((dir) => file.startsWith(dir + '/')))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, index) => ({ line, index }))
          .filter(({ line }) => !comment.test(line) && sql.test(line))
          .map(({ index }) => `${relative(SRC, file)}:${index + 1}`),
      );
    expect(offenders).toEqual([]);
  });
});
