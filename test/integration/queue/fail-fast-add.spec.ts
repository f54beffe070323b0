import { Queue } from 'bullmq';
import { newId } from '@core/database/ids';
import { addWhenLive } from '@core/queue/fail-fast-add';
import { DEFAULT_JOB_OPTIONS } from '@core/queue/queue-defaults';

/** One job goes as one script call (Queue.add), several as one addBulk: the same jobs either way. */
describe('addWhenLive', () => {
  let queue: Queue<{ n: number }>;

  beforeAll(() => {
    queue = new Queue('fail-fast-add', {
      connection: { url: process.env.REDIS_URL },
      prefix: `${process.env.QUEUE_PREFIX}add-${newId()}`,
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
  });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  const job = (id: string, n: number) => ({ name: 'work', data: { n }, opts: { jobId: id } });

  it("adds one job, or several, under their ids with the queue's default options", async () => {
    await addWhenLive(queue, [job('single', 1)], 1_000);
    await addWhenLive(queue, [job('bulk-1', 2), job('bulk-2', 3)], 1_000);

    for (const [id, n] of [
      ['single', 1],
      ['bulk-1', 2],
      ['bulk-2', 3],
    ] as const) {
      const added = await queue.getJob(id);
      expect(added).toMatchObject({ name: 'work', data: { n } });
      expect(added?.opts).toMatchObject({
        attempts: DEFAULT_JOB_OPTIONS.attempts,
        backoff: DEFAULT_JOB_OPTIONS.backoff,
      });
    }
  });

  it('yields one job however often an id is added, alone or in a batch', async () => {
    await addWhenLive(queue, [job('again', 1)], 1_000);
    await addWhenLive(queue, [job('again', 2)], 1_000);
    await addWhenLive(queue, [job('again', 3), job('other', 4)], 1_000);

    const waiting = await queue.getWaiting();
    expect(waiting.filter((added) => added.id === 'again')).toHaveLength(1);
    expect((await queue.getJob('again'))?.data).toEqual({ n: 1 });
  });
});
