import { MessagePurge } from './message-purge';

/** Expired messages per tenant, deleted as MessageRetention would: at most `limit` per call. */
function store(backlogs: Record<string, number>) {
  const calls: { tenantId: string; deleted: number }[] = [];
  return {
    calls,
    left: backlogs,
    deleteBatch(tenantId: string, _before: Date, limit: number): Promise<number> {
      const deleted = Math.min(limit, backlogs[tenantId] ?? 0);
      backlogs[tenantId] = (backlogs[tenantId] ?? 0) - deleted;
      calls.push({ tenantId, deleted });
      return Promise.resolve(deleted);
    },
  };
}

const cutoff = new Date('2026-01-01T00:00:00Z');

describe('MessagePurge', () => {
  it("gives every tenant its fair share before working off a large tenant's backlog", async () => {
    const messages = store({ large: 10 * 45, small: 12 });
    const purge = new MessagePurge(messages, { batchSize: 10, deadline: Date.now() + 60_000 });

    await purge.share('large', cutoff);
    await purge.share('small', cutoff);
    const firstSmall = messages.calls.findIndex((call) => call.tenantId === 'small');
    const report = await purge.drainBacklog();

    // 40 batches of the large tenant, then the small one, then the large one's last 5.
    expect(firstSmall).toBe(40);
    expect(messages.calls.slice(firstSmall + 2).every((call) => call.tenantId === 'large')).toBe(
      true,
    );
    expect(messages.left).toEqual({ large: 0, small: 0 });
    expect(report).toMatchObject({ messagesDeleted: 462, tenantsWithBacklog: 0 });
    // 45 full batches of the large tenant, one full and one of 2 of the small one, and the
    // large tenant's last, empty call, which is not a batch.
    expect(report.messageBatches).toBe(47);
    expect(messages.calls.every((call) => call.deleted <= 10)).toBe(true);
  });

  it('starts no batch after the deadline and counts the tenants left for the next run', async () => {
    const messages = store({ a: 30, b: 5 });
    const purge = new MessagePurge(messages, { batchSize: 10, deadline: Date.now() - 1 });

    await purge.share('a', cutoff);
    await purge.share('b', cutoff);
    const report = await purge.drainBacklog();

    expect(messages.calls).toEqual([]);
    expect(report).toEqual({
      messagesDeleted: 0,
      messageBatches: 0,
      slowestMessageBatchMs: 0,
      tenantsWithBacklog: 2,
    });
  });
});
