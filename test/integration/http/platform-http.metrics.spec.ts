import { TestingModule } from '@nestjs/testing';
import { Counter, Histogram, register } from 'prom-client';
import { HUB_REQUESTS_TOTAL, HUB_REQUEST_DURATION } from '@core/http/hub-metrics';
import { PlatformHttpClient } from '@core/http/platform-http.client';
import { FakeHttpServer } from '@test/fakes/fake-http-server';
import { bootHttpClient, sendCall } from './http-client-harness';

const OUTCOMES = ['success', 'retryable_error', 'permanent_error'];

async function counterValue(labels: Record<string, string>): Promise<number> {
  const metric = register.getSingleMetric(HUB_REQUESTS_TOTAL) as Counter<string>;
  const { values } = await metric.get();
  const found = values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return found?.value ?? 0;
}

async function durationCount(labels: Record<string, string>): Promise<number> {
  const metric = register.getSingleMetric(HUB_REQUEST_DURATION) as Histogram<string>;
  const { values } = await metric.get();
  const found = values.find(
    (v) =>
      v.metricName === `${HUB_REQUEST_DURATION}_count` &&
      Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  );
  return found?.value ?? 0;
}

describe('PlatformHttpClient metrics', () => {
  let moduleRef: TestingModule;
  let client: PlatformHttpClient;
  let fake: FakeHttpServer;

  beforeAll(async () => {
    fake = await FakeHttpServer.start();
    ({ moduleRef, client } = await bootHttpClient());
  });

  afterAll(async () => {
    await moduleRef?.close();
    await fake?.close();
  });

  it('counts and times calls by hub, operation and outcome', async () => {
    fake
      .replyOnce('POST', '/v21.0/1234/messages', { body: {} })
      .replyOnce('POST', '/v21.0/1234/messages', { status: 503 })
      .replyOnce('POST', '/v21.0/1234/messages', { status: 422 });
    const labels = (outcome: string) => ({ hub: 'whatsapp', operation: 'metrics_probe', outcome });
    const counted = () => Promise.all(OUTCOMES.map((o) => counterValue(labels(o))));
    const timed = () => Promise.all(OUTCOMES.map((o) => durationCount(labels(o))));
    const [countsBefore, timingsBefore] = [await counted(), await timed()];

    const send = () => client.request(sendCall(fake, 'metrics_probe'));
    await send();
    await expect(send()).rejects.toMatchObject({ failure: 'server' });
    await expect(send()).rejects.toMatchObject({ failure: 'rejected' });

    const [countsAfter, timingsAfter] = [await counted(), await timed()];
    expect(countsAfter.map((value, i) => value - countsBefore[i])).toEqual([1, 1, 1]);
    expect(timingsAfter.map((value, i) => value - timingsBefore[i])).toEqual([1, 1, 1]);
  });
});
