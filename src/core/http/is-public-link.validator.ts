import { ValidateBy, ValidationOptions, buildMessage } from 'class-validator';
import { checkLinkForm } from './link-form';

/**
 * A DTO field holding a link a platform will fetch: refused at the API (400 naming the field)
 * when checkLinkForm refuses it. The full check, with DNS, runs again at send time
 * (PublicLinkGuard); this one needs neither DNS nor config, so it cannot know the allow-list.
 */
export function IsPublicLink(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPublicLink',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && !('refused' in checkLinkForm(value)),
        defaultMessage: buildMessage((prefix, args) => {
          const value: unknown = args?.value;
          const form = typeof value === 'string' ? checkLinkForm(value) : undefined;
          const why = form && 'refused' in form ? form.refused : 'must be a string';
          return `${prefix}$property ${why} (a public https URL)`;
        }, options),
      },
    },
    options,
  );
}
