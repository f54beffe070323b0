/** One card of `sendContact`, as Evolution's schema wants it (fullName and phoneNumber required). */
export interface EvolutionContactCard {
  fullName: string;
  phoneNumber: string;
  wuid?: string;
  organization?: string;
  email?: string;
  url?: string;
}

/**
 * A card in the channel contract's shape (Meta's: name.formatted_name, phones[].phone/wa_id,
 * org.company, emails[].email, urls[].url) in Evolution's flat form, first phone, e-mail and
 * URL only (Evolution's vCard has one of each). Undefined when the name or phone is missing.
 */
export function toEvolutionContactCard(
  card: Readonly<Record<string, unknown>>,
): EvolutionContactCard | undefined {
  const name = record(card.name);
  const phone = record(first(card.phones));
  const fullName = text(name?.formatted_name);
  const phoneNumber = text(phone?.phone);
  if (!fullName || !phoneNumber) return undefined;
  const extras = {
    wuid: text(phone?.wa_id),
    organization: text(record(card.org)?.company),
    email: text(record(first(card.emails))?.email),
    url: text(record(first(card.urls))?.url),
  };
  return {
    fullName,
    phoneNumber,
    ...Object.fromEntries(Object.entries(extras).filter(([, value]) => value !== undefined)),
  };
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? (value as unknown[])[0] : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
