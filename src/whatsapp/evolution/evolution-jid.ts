/**
 * WhatsApp addresses as Evolution API (Baileys) writes them, and our identities for them:
 * - `5511999999999@s.whatsapp.net`: a phone user; our identity is the E.164 `+5511999999999`.
 * - `123456789012345@lid`: a "linked identity" WhatsApp uses to hide the phone number; it maps
 *   to no phone, so it is kept whole as its own identity (type 'lid').
 * - `120363025246125888@g.us`: a group. Recognised so callers can skip it; Omnihub does not
 *   message groups yet.
 * A device suffix (`5511999999999:12@s.whatsapp.net`) names one of the user's devices and is
 * dropped: every device is the same person.
 */
export type EvolutionAddress =
  | { type: 'phone'; jid: string; phone: string }
  | { type: 'lid'; jid: string }
  | { type: 'group'; jid: string };

export const USER_JID_SUFFIX = '@s.whatsapp.net';
export const LID_SUFFIX = '@lid';
export const GROUP_JID_SUFFIX = '@g.us';

/** E.164 allows at most 15 digits; anything under 8 is no one's mobile number. */
const PHONE_DIGITS = /^\d{8,15}$/;
const JID = /^([\d-]+)(?::\d+)?@(s\.whatsapp\.net|lid|g\.us)$/;

/** Reads a JID; undefined for anything else (broadcast lists, newsletters, malformed input). */
export function parseEvolutionJid(jid: string): EvolutionAddress | undefined {
  const match = JID.exec(jid.trim().toLowerCase());
  if (!match) return undefined;
  const [, user, server] = match;
  if (server === 'g.us') return { type: 'group', jid: `${user}${GROUP_JID_SUFFIX}` };
  if (user.includes('-')) return undefined;
  if (server === 'lid') return { type: 'lid', jid: `${user}${LID_SUFFIX}` };
  if (!PHONE_DIGITS.test(user)) return undefined;
  return { type: 'phone', jid: `${user}${USER_JID_SUFFIX}`, phone: `+${user}` };
}

/** `+55 (11) 99999-9999` → `5511999999999@s.whatsapp.net`; undefined when it is no phone. */
export function phoneToJid(phone: string): string | undefined {
  const digits = phoneDigits(phone);
  return digits ? `${digits}${USER_JID_SUFFIX}` : undefined;
}

/** `5511999999999@s.whatsapp.net` → `+5511999999999`; undefined for lid, group or garbage. */
export function jidToPhone(jid: string): string | undefined {
  const address = parseEvolutionJid(jid);
  return address?.type === 'phone' ? address.phone : undefined;
}

/**
 * The `number` field of an Evolution send for one recipient: bare digits for a phone number
 * (Evolution strips '+' itself, but digits are what its docs show), or the JID of a phone user
 * or an `@lid` identity as it is. Groups and anything unreadable give undefined: the caller
 * refuses the send rather than let Evolution guess (it turns 18+ digits into a group JID).
 */
export function toEvolutionNumber(to: string): string | undefined {
  if (to.includes('@')) {
    const address = parseEvolutionJid(to);
    if (!address || address.type === 'group') return undefined;
    return address.jid;
  }
  return phoneDigits(to);
}

/**
 * Both spellings of a Brazilian mobile number. Brazil added a ninth digit (a leading 9) to
 * mobile numbers, but accounts registered before that still live on WhatsApp under the old
 * 8-digit form: Evolution's `createJid` drops the 9 for area codes 31 and above when the rest
 * starts with 7-9, and its number check then answers with whichever JID WhatsApp knows. So
 * the JID a send returns may differ from the number we sent; matching an identity must try
 * both. Any other number gives just itself.
 */
export function brazilianMobileVariants(phone: string): string[] {
  const digits = phoneDigits(phone);
  if (!digits) return [];
  const withNine = /^55(\d{2})9(\d{8})$/.exec(digits);
  if (withNine) return [`+${digits}`, `+55${withNine[1]}${withNine[2]}`];
  const withoutNine = /^55(\d{2})([6-9]\d{7})$/.exec(digits);
  if (withoutNine) return [`+${digits}`, `+55${withoutNine[1]}9${withoutNine[2]}`];
  return [`+${digits}`];
}

function phoneDigits(phone: string): string | undefined {
  const digits = phone
    .trim()
    .replace(/^\+/, '')
    .replace(/[\s().-]/g, '');
  return PHONE_DIGITS.test(digits) ? digits : undefined;
}
