import type { EvolutionConnectResult } from '@app/whatsapp/evolution/evolution-instance-bodies';
import type { EvolutionQrCode } from '@app/whatsapp/evolution/evolution-webhook-qr.store';
import type { QrCodeDto } from './instances.dto';

/** The QR / pairing code a connect answer carried, if it carried any. */
export function qrOfConnectResult(result: EvolutionConnectResult): QrCodeDto | undefined {
  if (result.state === 'open') return undefined;
  const qr = { base64: result.qrBase64, code: result.qrCode, pairingCode: result.pairingCode };
  const present = Object.entries(qr).filter(([, value]) => value !== undefined);
  return present.length ? Object.fromEntries(present) : undefined;
}

/** A stored QR as the API shows it (when it was received is the store's business). */
export function qrOfStored(stored: EvolutionQrCode | null): QrCodeDto | undefined {
  if (!stored) return undefined;
  const { receivedAt: _receivedAt, ...qr } = stored;
  return qr;
}
