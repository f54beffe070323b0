import { Injectable } from '@nestjs/common';
import { PlatformError } from '@core/errors/platform-error';
import {
  EvolutionApiClient,
  evolutionPath,
  unexpectedEvolutionAnswer,
} from './evolution-api.client';
import { EvolutionConnectionState, readConnectionState } from './evolution-connection-state';
import {
  EvolutionConnectResult,
  EvolutionWebhookSettings,
  readConnectResult,
  webhookBody,
} from './evolution-instance-bodies';
import type { EvolutionInstanceAccess, EvolutionServerAccess } from './evolution.credentials';

export interface CreateEvolutionInstance {
  instanceName: string;
  /** The instance's own apikey; Evolution makes one up when absent. */
  token: string;
  webhook: EvolutionWebhookSettings;
  /** Ask for a pairing code for this phone (digits) instead of only a QR code. */
  number?: string;
}

export interface CreatedEvolutionInstance {
  instanceName: string;
  instanceId?: string;
  /** The instance's apikey as Evolution stored it. */
  token: string;
  /** Set when the creation already started a session (it always does here). */
  connect?: EvolutionConnectResult;
}

/**
 * Instance lifecycle on an Evolution API v2 server: create (with webhook and token), connect
 * (QR code and/or pairing code), connection state, logout, delete and webhook settings. Paths
 * and bodies as the v2 routers and schemas define them (test/fakes/evolution/CONTRACT.md).
 * Creating needs the server's global key; the other calls accept the instance token.
 */
@Injectable()
export class EvolutionInstancesClient {
  constructor(private readonly evolution: EvolutionApiClient) {}

  async create(
    server: EvolutionServerAccess,
    input: CreateEvolutionInstance,
  ): Promise<CreatedEvolutionInstance> {
    const { body } = await this.evolution.request<Record<string, unknown> | undefined>(server, {
      operation: 'create_instance',
      method: 'POST',
      path: '/instance/create',
      json: {
        instanceName: input.instanceName,
        token: input.token,
        integration: 'WHATSAPP-BAILEYS',
        qrcode: true,
        ...(input.number ? { number: input.number } : {}),
        ...webhookBody(input.webhook),
      },
    });
    const instance = record(body?.instance);
    const instanceName =
      typeof instance?.instanceName === 'string' ? instance.instanceName : undefined;
    if (!instanceName) throw unexpectedEvolutionAnswer('create_instance', 'the instance');
    return {
      instanceName,
      instanceId: typeof instance?.instanceId === 'string' ? instance.instanceId : undefined,
      token: typeof body?.hash === 'string' ? body.hash : input.token,
      connect: body?.qrcode ? readConnectResult(body.qrcode) : undefined,
    };
  }

  /** Starts (or resumes) pairing; with `number`, Evolution also returns a pairing code. */
  async connect(
    access: EvolutionInstanceAccess,
    options: { number?: string } = {},
  ): Promise<EvolutionConnectResult> {
    const { body } = await this.evolution.request<unknown>(access, {
      operation: 'connect_instance',
      method: 'GET',
      path: evolutionPath('instance', 'connect', access.instance),
      query: { number: options.number },
    });
    return readConnectResult(body);
  }

  async connectionState(access: EvolutionInstanceAccess): Promise<EvolutionConnectionState> {
    const { body } = await this.evolution.request<unknown>(access, {
      operation: 'connection_state',
      method: 'GET',
      path: evolutionPath('instance', 'connectionState', access.instance),
    });
    return readConnectionState(body);
  }

  /**
   * Ends the WhatsApp session (the instance stays, ready for a new QR). Evolution answers 400
   * when the instance is not connected; that is the state asked for, so it resolves.
   */
  async logout(access: EvolutionInstanceAccess): Promise<'logged-out' | 'was-not-connected'> {
    try {
      await this.evolution.request(access, {
        operation: 'logout_instance',
        method: 'DELETE',
        path: evolutionPath('instance', 'logout', access.instance),
      });
      return 'logged-out';
    } catch (error) {
      if (error instanceof PlatformError && error.details.status === 400)
        return 'was-not-connected';
      throw error;
    }
  }

  /** Deletes the instance (logging it out first, Evolution does that); gone already resolves. */
  async delete(access: EvolutionInstanceAccess): Promise<'deleted' | 'not-found'> {
    try {
      await this.evolution.request(access, {
        operation: 'delete_instance',
        method: 'DELETE',
        path: evolutionPath('instance', 'delete', access.instance),
      });
      return 'deleted';
    } catch (error) {
      if (error instanceof PlatformError && error.failure === 'not-found') return 'not-found';
      throw error;
    }
  }

  async setWebhook(
    access: EvolutionInstanceAccess,
    webhook: EvolutionWebhookSettings,
  ): Promise<void> {
    await this.evolution.request(access, {
      operation: 'set_webhook',
      method: 'POST',
      path: evolutionPath('webhook', 'set', access.instance),
      json: webhookBody(webhook),
    });
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
