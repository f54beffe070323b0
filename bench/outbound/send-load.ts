import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { percentile, round1 } from '../support/report';
import type { BenchGraph } from './bench-graph';
import { type CostMeter, cpuPerMessage } from './cost-meter';
import type { BenchAccount } from './hub-fixture';

/**
 * Saturation: `connections` clients each sending the next message as soon as the previous one
 * is answered. Rate: an open loop issuing `rate` messages per second evenly spaced, whatever
 * the answers do (autocannon's overallRate sends each second's quota in one burst instead).
 * Backlog: exactly `messages` sends, as fast as `connections` clients go, then the drain.
 */
export type SendScenario =
  | { kind: 'saturation'; connections: number }
  | { kind: 'rate'; rate: number; connections: number }
  | { kind: 'backlog'; messages: number; connections: number };

export function sendScenarioName(scenario: SendScenario): string {
  if (scenario.kind === 'saturation') return `saturation@${scenario.connections}c`;
  if (scenario.kind === 'rate') return `rate@${scenario.rate}`;
  return `backlog@${scenario.messages}`;
}

export interface SendRunRecord {
  mode: string;
  scenario: string;
  durationS: number;
  /** Requests issued during the run. */
  issued: number;
  /** Due at a fixed rate but not issued: MAX_IN_FLIGHT requests were waiting (server too slow). */
  notIssued: number;
  /** Answered 202. */
  accepted: number;
  acceptedPerSec: number;
  /** Accepted messages the fake received, divided by the time from first accept to last send. */
  sentPerSec: number;
  /** p50/p99 of the 202 itself: request issued to answer read. */
  acceptP50Ms: number;
  acceptP99Ms: number;
  /** p50/p99/max from the 202 to the fake receiving the send; negative when the send won. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** p50/p99 from the request being issued to the fake receiving the send. */
  issuedToSentP50Ms: number;
  issuedToSentP99Ms: number;
  /** Seconds from the end of the load until the last accepted message reached the fake. */
  drainS: number;
  /** Accepted but never received by the fake within the drain timeout: must be 0. */
  unsent: number;
  /** Received by the fake more than once. */
  duplicates: number;
  /** Answers other than 202, by status; `error` for transport failures. */
  refused: Record<string, number>;
  /**
   * CPU milliseconds per accepted message, load and drain together, per Omnihub process and
   * for the PostgreSQL backends (`postgres`): what each message costs, however busy the machine.
   */
  cpuMsPerMessage: Record<string, number>;
}

const SEQ = /^b(\d+) /;
const FILLER = 'Your order has shipped and will arrive tomorrow between 9 and 12. Reply to change.';
/** Requests an open loop lets wait for an answer before it stops keeping up with its rate. */
const MAX_IN_FLIGHT = 256;
/** One sequence for every SendLoad, so a late arrival from an earlier load is never mistaken. */
let nextSeq = 0;

/**
 * Drives `POST /api/v2/messages` over keep-alive connections, each request a new text to the
 * next (account, customer) pair in turn, and times each message from its 202 to its arrival
 * at the Graph fake. Texts start with `b<seq>`, which is how an arrival finds its accept.
 */
export class SendLoad {
  private issued = new Map<number, number>();
  private accepted = new Map<number, number>();
  private sent = new Map<number, number>();
  private refused: Record<string, number> = {};
  private duplicates = 0;
  private notIssued = 0;
  private firstSeq = 0;
  private readonly pool: Pool;

  constructor(
    apiUrl: string,
    private readonly accounts: readonly BenchAccount[],
    graph: BenchGraph,
    private readonly cost?: CostMeter,
    connections = 64,
  ) {
    this.pool = new Pool(apiUrl, { connections, pipelining: 1 });
    graph.onArrival(({ text, at }) => {
      const match = SEQ.exec(text);
      if (!match) return;
      const seq = Number(match[1]);
      if (seq < this.firstSeq) return;
      if (this.sent.has(seq)) this.duplicates += 1;
      else this.sent.set(seq, at);
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /**
   * One measured run: the load for `durationS` (a backlog: until all its messages are
   * answered), then `beforeDrain` if given, then waiting for every accepted message at the fake.
   */
  async run(
    mode: string,
    scenario: SendScenario,
    durationS: number,
    beforeDrain?: () => Promise<void>,
  ): Promise<SendRunRecord> {
    this.issued = new Map();
    this.accepted = new Map();
    this.sent = new Map();
    this.refused = {};
    this.duplicates = 0;
    this.notIssued = 0;
    this.firstSeq = nextSeq;
    const costBefore = await this.cost?.read();
    const started = performance.now();
    const deadline = started + durationS * 1000;
    if (scenario.kind === 'rate') {
      await this.openLoop(scenario.rate, started, deadline);
    } else {
      let left = scenario.kind === 'backlog' ? scenario.messages : Infinity;
      const more = () => (scenario.kind === 'backlog' ? left-- > 0 : performance.now() < deadline);
      await Promise.all(
        Array.from({ length: scenario.connections }, async () => {
          while (more()) await this.sendOne();
        }),
      );
    }
    const ended = performance.now();
    await beforeDrain?.();
    await this.drain();
    let cpu = {};
    if (this.cost && costBefore) {
      const messages = Math.max(this.accepted.size, 1);
      const costAfter = await this.cost.read();
      cpu = cpuPerMessage(costBefore, costAfter, messages);
      const title = `${mode} ${sendScenarioName(scenario)}: PostgreSQL statements of the run`;
      this.cost.printStatements(title, costBefore, costAfter, messages);
    }
    const actualS = Math.round((ended - started) / 100) / 10;
    return { ...this.record(mode, scenario, actualS, started, ended), cpuMsPerMessage: cpu };
  }

  /**
   * Issues requests on a 1 ms tick so that `rate × elapsed` have gone out, then awaits them.
   * A server slower than the rate is not buried under a queue that would outlive the run: past
   * MAX_IN_FLIGHT waiting requests, a due request is counted in `notIssued` instead.
   */
  private async openLoop(rate: number, started: number, deadline: number): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    let due = 0;
    while (performance.now() < deadline) {
      const target = Math.floor(((performance.now() - started) / 1000) * rate);
      for (; due < target; due += 1) {
        if (inFlight.size >= MAX_IN_FLIGHT) {
          this.notIssued += 1;
          continue;
        }
        const request = this.sendOne().finally(() => inFlight.delete(request));
        inFlight.add(request);
      }
      await new Promise((done) => setTimeout(done, 1));
    }
    await Promise.all(inFlight);
  }

  private async sendOne(): Promise<void> {
    const seq = nextSeq++;
    const account = this.accounts[seq % this.accounts.length];
    const customer =
      account.customers[Math.floor(seq / this.accounts.length) % account.customers.length];
    this.issued.set(seq, performance.now());
    try {
      const { statusCode, body } = await this.pool.request({
        method: 'POST',
        path: '/api/v2/messages',
        headers: { ...account.headers, 'content-type': 'application/json' },
        body: JSON.stringify({
          channelAccountId: account.id,
          to: `+${customer}`,
          type: 'text',
          text: { body: `b${seq} ${FILLER}` },
        }),
      });
      await body.dump();
      if (statusCode === 202) this.accepted.set(seq, performance.now());
      else this.refused[statusCode] = (this.refused[statusCode] ?? 0) + 1;
    } catch {
      this.refused.error = (this.refused.error ?? 0) + 1;
    }
  }

  /** Waits until every accepted message has reached the fake, or nothing moved for 20 s. */
  private async drain(): Promise<void> {
    let lastProgress = performance.now();
    let lastCount = -1;
    while (this.missing() > 0 && performance.now() - lastProgress < 20_000) {
      if (this.sent.size !== lastCount) {
        lastCount = this.sent.size;
        lastProgress = performance.now();
      }
      await new Promise((done) => setTimeout(done, 50));
    }
  }

  private missing(): number {
    let missing = 0;
    for (const seq of this.accepted.keys()) if (!this.sent.has(seq)) missing += 1;
    return missing;
  }

  private record(
    mode: string,
    scenario: SendScenario,
    durationS: number,
    started: number,
    ended: number,
  ): Omit<SendRunRecord, 'cpuMsPerMessage'> {
    const acceptLatencies: number[] = [];
    const toSent: number[] = [];
    const issuedToSent: number[] = [];
    let firstAccept = Infinity;
    let lastSent = started;
    for (const [seq, acceptedAt] of this.accepted) {
      const issuedAt = this.issued.get(seq)!;
      acceptLatencies.push(acceptedAt - issuedAt);
      firstAccept = Math.min(firstAccept, acceptedAt);
      const sentAt = this.sent.get(seq);
      if (sentAt === undefined) continue;
      toSent.push(sentAt - acceptedAt);
      issuedToSent.push(sentAt - issuedAt);
      lastSent = Math.max(lastSent, sentAt);
    }
    const delivered = toSent.length;
    return {
      mode,
      scenario: sendScenarioName(scenario),
      durationS,
      issued: this.issued.size,
      notIssued: this.notIssued,
      accepted: this.accepted.size,
      acceptedPerSec: round1(this.accepted.size / ((ended - started) / 1000)),
      sentPerSec: delivered ? round1(delivered / ((lastSent - firstAccept) / 1000)) : 0,
      acceptP50Ms: round1(percentile(acceptLatencies, 50)),
      acceptP99Ms: round1(percentile(acceptLatencies, 99)),
      p50Ms: round1(percentile(toSent, 50)),
      p99Ms: round1(percentile(toSent, 99)),
      maxMs: round1(toSent.reduce((max, value) => Math.max(max, value), -Infinity)),
      issuedToSentP50Ms: round1(percentile(issuedToSent, 50)),
      issuedToSentP99Ms: round1(percentile(issuedToSent, 99)),
      drainS: round1(Math.max(0, lastSent - ended) / 1000),
      unsent: this.accepted.size - delivered,
      duplicates: this.duplicates,
      refused: this.refused,
    };
  }
}
