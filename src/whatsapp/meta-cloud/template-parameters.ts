import type { FieldError } from '@core/errors/domain-error';
import type { MetaTemplate, MetaTemplateButton } from './meta-template';
import { SentComponent, componentField, readSentComponents } from './sent-template-components';
import { checkParameter, checkTextParameters } from './template-parameter-checks';
import { placeholderCount, placeholdersIn } from './template-placeholders';

/** The template part of an outbound template message, as the API caller sent it. */
export interface TemplateSend {
  language: string;
  components?: unknown;
}

const BODY_PARAMETER_TYPES = ['text', 'currency', 'date_time'];
/** Header format → the parameter type Meta expects for it. */
const MEDIA_HEADER_PARAMETER: Record<string, string> = {
  IMAGE: 'image',
  VIDEO: 'video',
  DOCUMENT: 'document',
  LOCATION: 'location',
};
/** Template button type → the `sub_type` of its send component and the parameter type it takes. */
const BUTTON_KINDS: Record<string, { subType: string; parameterType: string }> = {
  URL: { subType: 'url', parameterType: 'text' },
  OTP: { subType: 'url', parameterType: 'text' },
  QUICK_REPLY: { subType: 'quick_reply', parameterType: 'payload' },
  COPY_CODE: { subType: 'copy_code', parameterType: 'coupon_code' },
};

/**
 * Checks a template send against the approved template before it is queued, so a mismatch is a
 * 400 naming the field (`template.components[0].parameters`) instead of Meta's 132000 minutes
 * later: the language, the header (text placeholders or the media type its format demands),
 * the body placeholders (`{{1}}…{{n}}` by count, `{{name}}` by `parameter_name`) and the
 * buttons that take a parameter (dynamic URL, quick-reply payload, copy code).
 * Returns no errors when the send is valid.
 */
export function validateTemplateSend(template: MetaTemplate, send: TemplateSend): FieldError[] {
  const errors: FieldError[] = [];
  if (send.language !== template.language) {
    errors.push({
      field: 'template.language',
      message: `template "${template.name}" is approved in ${template.language}, not ${send.language}`,
    });
  }
  const sent = readSentComponents(send.components, errors);
  checkHeader(template, sent.header, errors);
  checkBody(template, sent.body, errors);
  checkButtons(template, sent.buttons, errors);
  return errors;
}

function checkHeader(
  template: MetaTemplate,
  sent: SentComponent | undefined,
  errors: FieldError[],
) {
  const header = template.components.find((c) => c.type === 'HEADER');
  const field = sent ? componentField(sent.position) : 'template.components';
  if (!header) {
    if (sent && sent.parameters.length > 0)
      errors.push({ field, message: 'the template has no header' });
    return;
  }
  const format = header.format ?? 'TEXT';
  if (format === 'TEXT') {
    checkPlaceholderText(header.text, sent, ['text'], 'header', errors);
    return;
  }
  const parameterType = MEDIA_HEADER_PARAMETER[format];
  if (!parameterType) return; // a format newer than this code: Meta will judge it
  if (!sent) {
    errors.push({
      field,
      message: `missing header component: the template header is ${format} and needs a ${parameterType} parameter`,
    });
  } else if (sent.parameters.length !== 1) {
    errors.push({
      field: `${field}.parameters`,
      message: `the ${format} header takes exactly 1 parameter; got ${sent.parameters.length}`,
    });
  } else {
    checkParameter(`${field}.parameters[0]`, sent.parameters[0], [parameterType], errors);
  }
}

function checkBody(template: MetaTemplate, sent: SentComponent | undefined, errors: FieldError[]) {
  const body = template.components.find((c) => c.type === 'BODY');
  checkPlaceholderText(body?.text, sent, BODY_PARAMETER_TYPES, 'body', errors);
}

/** A text header or the body: parameters only when the text has placeholders, then matching. */
function checkPlaceholderText(
  text: string | undefined,
  sent: SentComponent | undefined,
  allowedTypes: readonly string[],
  what: 'header' | 'body',
  errors: FieldError[],
) {
  const placeholders = placeholdersIn(text);
  const expected = placeholderCount(placeholders);
  if (!sent) {
    if (expected > 0) {
      errors.push({
        field: 'template.components',
        message: `missing ${what} component: the template ${what} has ${expected} placeholder(s)`,
      });
    }
    return;
  }
  const field = componentField(sent.position);
  if (expected === 0) {
    if (sent.parameters.length > 0) {
      errors.push({
        field: `${field}.parameters`,
        message: `the template ${what} has no placeholders; got ${sent.parameters.length} parameter(s)`,
      });
    }
    return;
  }
  checkTextParameters(field, sent.parameters, placeholders, allowedTypes, what, errors);
}

function checkButtons(
  template: MetaTemplate,
  sent: Map<number, SentComponent>,
  errors: FieldError[],
) {
  const buttons = template.components.find((c) => c.type === 'BUTTONS')?.buttons ?? [];
  for (const [index, component] of sent) {
    const field = componentField(component.position);
    const button = buttons[index];
    const kind = button ? BUTTON_KINDS[button.type] : undefined;
    if (!button) {
      errors.push({
        field: `${field}.index`,
        message: `the template has ${buttons.length} button(s); there is no button ${index}`,
      });
    } else if (kind && component.subType !== kind.subType) {
      errors.push({
        field: `${field}.sub_type`,
        message: `button ${index} is ${button.type}: sub_type must be "${kind.subType}"`,
      });
    } else if (kind) {
      checkButtonParameters(field, index, button, component.parameters, kind.parameterType, errors);
    }
  }
  buttons.forEach((button, index) => {
    if (requiresParameter(button) && !sent.has(index)) {
      errors.push({
        field: 'template.components',
        message: `missing button component for button ${index} (${button.type}), which takes a parameter`,
      });
    }
  });
}

function checkButtonParameters(
  field: string,
  index: number,
  button: MetaTemplateButton,
  parameters: readonly unknown[],
  parameterType: string,
  errors: FieldError[],
) {
  const takes = requiresParameter(button) ? 1 : button.type === 'QUICK_REPLY' ? 'at most 1' : 0;
  const fits = takes === 'at most 1' ? parameters.length <= 1 : parameters.length === takes;
  if (!fits) {
    errors.push({
      field: `${field}.parameters`,
      message: `button ${index} (${button.type}) takes ${takes} parameter(s); got ${parameters.length}`,
    });
    return;
  }
  parameters.forEach((parameter, i) =>
    checkParameter(`${field}.parameters[${i}]`, parameter, [parameterType], errors),
  );
}

/** Dynamic URL buttons (a placeholder in the URL), OTP and copy-code buttons need a value. */
function requiresParameter(button: MetaTemplateButton): boolean {
  if (button.type === 'URL') return placeholderCount(placeholdersIn(button.url)) > 0;
  return button.type === 'OTP' || button.type === 'COPY_CODE';
}
