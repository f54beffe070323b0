import type { HubHealth } from '@core/channel/hub-health';
import { PlatformError } from '@core/errors/platform-error';

/**
 * An instance's WhatsApp session as Evolution reports it (Baileys' connection states): `open`
 * sends, `connecting` is pairing or reconnecting, `close` is logged out or dropped.
 */
export type EvolutionConnectionState = 'open' | 'connecting' | 'close';

/**
 * The state in `{ instance: { instanceName, state } }`. Evolution leaves `state` out for an
 * instance it has not loaded; that instance cannot send, so it reads as `close`.
 */
export function readConnectionState(body: unknown): EvolutionConnectionState {
  const state = isRecord(body) && isRecord(body.instance) ? body.instance.state : undefined;
  return state === 'open' || state === 'connecting' ? state : 'close';
}

const HEALTH_OF_STATE: Record<EvolutionConnectionState, Pick<HubHealth, 'status' | 'detail'>> = {
  open: { status: 'up', detail: 'Evolution instance connected to WhatsApp' },
  connecting: {
    status: 'degraded',
    detail: 'Evolution instance connecting (waiting for a QR scan or reconnecting)',
  },
  close: { status: 'down', detail: 'Evolution instance disconnected from WhatsApp' },
};

export function healthOfConnectionState(
  state: EvolutionConnectionState,
  checkedAt: Date,
  latencyMs: number,
): HubHealth {
  return { ...HEALTH_OF_STATE[state], checkedAt, latencyMs };
}

/** The probe itself failed; the detail names the failure, never the server's message. */
export function healthOfFailedStateProbe(
  error: PlatformError,
  checkedAt: Date,
  latencyMs: number,
): HubHealth {
  const why =
    error.failure === 'auth'
      ? 'apikey rejected'
      : error.failure === 'not-found'
        ? 'instance not found on the server'
        : `server unreachable or failing (${error.failure})`;
  return {
    status: 'down',
    detail: `Evolution connection state unknown: ${why}`,
    checkedAt,
    latencyMs,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
