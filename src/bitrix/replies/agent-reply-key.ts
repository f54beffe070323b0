/**
 * The idempotency key of a send an agent's Bitrix24 message became: one per message and file,
 * so a redelivered event sends each once. The mirror reads it back to leave the agent's own
 * messages out of what it copies into the chat.
 */
export function agentReplyKey(portalId: string, bitrixMessageId: string, part = 0): string {
  const base = `bitrix:${portalId}:${bitrixMessageId}`;
  return part === 0 ? base : `${base}:${part}`;
}

export function isAgentReplyKey(key: string | null): boolean {
  return key?.startsWith('bitrix:') ?? false;
}
