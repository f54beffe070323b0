import { DomainError, FieldError } from '@core/errors/domain-error';

export interface KeyLimits {
  /** Keys of one object, or items of one array. */
  perContainer: number;
  /** Keys and items of the whole value. */
  total: number;
}

/**
 * Limits for request input that reaches validation. class-validator does work, and with
 * forbidNonWhitelisted writes an error, per key: one object of 70,000 keys (0.9 MB, under the
 * body limit) held the event loop for 5 s. Our DTOs have at most a few dozen fields and arrays
 * of at most a few hundred items (contacts: 257), so these leave room to grow.
 * Webhooks are not checked: their bodies never reach class-validator (controllers read the
 * raw request), and refusing a large but genuine Meta batch or Evolution `messages.set` would
 * only make the platform retry it.
 */
export const REQUEST_KEY_LIMITS: KeyLimits = { perContainer: 1_000, total: 10_000 };

export class TooManyKeysError extends DomainError {
  constructor(error: FieldError) {
    super('REQUEST.TOO_MANY_KEYS', 'validation', error.message, { errors: [error] });
  }
}

/**
 * The first object or array in `value` with more entries than `limits.perContainer`, or
 * `value` itself once it holds more than `limits.total` in all, as a field error naming its
 * path (`template.components[0]`; `path` is `value`'s own, and `root` names it when empty).
 * One pass, stopping at the first excess: a body over the limits costs no more to refuse than
 * one at them.
 */
export function keyLimitExcess(
  value: unknown,
  limits: KeyLimits,
  path = '',
  root = 'body',
): FieldError | undefined {
  const name = (at: string) => at || root;
  let total = 0;
  const pending: [unknown, string][] = [[value, path]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, at] = next;
    if (typeof node !== 'object' || node === null) continue;
    const keys = Array.isArray(node) ? undefined : Object.keys(node);
    const count = keys?.length ?? (node as unknown[]).length;
    const noun = keys ? 'keys' : 'items';
    if (count > limits.perContainer) {
      return {
        field: name(at),
        message: `${name(at)} has ${count} ${noun}; at most ${limits.perContainer} are accepted`,
      };
    }
    total += count;
    if (total > limits.total) {
      return {
        field: name(path),
        message: `${name(path)} has more than ${limits.total} keys and items in all`,
      };
    }
    if (keys) {
      const object = node as Record<string, unknown>;
      for (const key of keys) pending.push([object[key], at ? `${at}.${key}` : key]);
    } else {
      (node as unknown[]).forEach((item, index) => pending.push([item, `${at}[${index}]`]));
    }
  }
  return undefined;
}
