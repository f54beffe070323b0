/**
 * What Meta's Send API refuses in a body (CONTRACT.md), as the fake checks it: a message the
 * real API would refuse is refused here with the same code, so a provider that builds it wrong
 * fails its tests instead of passing against a lenient stand-in.
 */
const SENDER_ACTIONS = ['typing_on', 'typing_off', 'mark_seen', 'react', 'unreact'];
const ATTACHMENT_TYPES = ['image', 'video', 'audio', 'file'];
const QUICK_REPLY_TYPES = ['text', 'user_phone_number', 'user_email'];

type Json = Record<string, unknown>;

/** Why the body is invalid, or undefined when Meta would take it. */
export function sendBodyProblem(body: unknown): string | undefined {
  const json = body as Json | undefined;
  const recipient = json?.recipient as Json | undefined;
  if (typeof recipient?.id !== 'string' || recipient.id === '') return 'recipient.id is required';
  const action = json?.sender_action;
  const message = json?.message as Json | undefined;
  if ((action === undefined) === (message === undefined)) {
    return 'exactly one of message or sender_action is required';
  }
  if (action !== undefined) {
    if (typeof action !== 'string' || !SENDER_ACTIONS.includes(action)) {
      return 'sender_action is not valid';
    }
    if (action === 'react' || action === 'unreact') {
      const payload = json?.payload as Json | undefined;
      if (typeof payload?.message_id !== 'string') return 'payload.message_id is required';
      if (action === 'react' && typeof payload.reaction !== 'string') {
        return 'payload.reaction is required';
      }
    }
    return undefined;
  }
  if (
    json?.tag !== undefined &&
    (json.tag !== 'HUMAN_AGENT' || json.messaging_type !== 'MESSAGE_TAG')
  ) {
    return 'tag must be HUMAN_AGENT with messaging_type MESSAGE_TAG';
  }
  return messageProblem(message!);
}

function messageProblem(message: Json): string | undefined {
  const hasText = message.text !== undefined;
  const attachment = message.attachment as Json | undefined;
  if (hasText === (attachment !== undefined)) return 'message needs text or one attachment';
  if (hasText) {
    if (typeof message.text !== 'string' || message.text === '') return 'message.text is empty';
    if (Buffer.byteLength(message.text, 'utf8') > 1000) {
      return 'message.text must be UTF-8 and at most 1000 bytes';
    }
    const replies = message.quick_replies;
    if (replies !== undefined) {
      if (!Array.isArray(replies) || replies.length > 13) return 'at most 13 quick_replies';
      for (const reply of replies as Json[]) {
        if (!QUICK_REPLY_TYPES.includes(reply.content_type as string)) {
          return 'quick_replies[].content_type is not valid';
        }
        if (reply.content_type === 'text') {
          if (typeof reply.title !== 'string' || [...reply.title].length > 20) {
            return 'quick_replies[].title has a 20 character limit';
          }
          if (typeof reply.payload !== 'string' || reply.payload.length > 1000) {
            return 'quick_replies[].payload has a 1000 character limit';
          }
        }
      }
    }
    return undefined;
  }
  if (attachment!.type === 'template') return templateProblem(attachment!.payload as Json);
  if (!ATTACHMENT_TYPES.includes(attachment!.type as string)) return 'attachment.type is not valid';
  const payload = attachment!.payload as Json | undefined;
  if ((typeof payload?.url === 'string') === (typeof payload?.attachment_id === 'string')) {
    return 'attachment.payload needs url or attachment_id';
  }
  return undefined;
}

/**
 * The generic template (Instagram "Send a Generic Template"; limits from the generic template
 * reference): 1 to 10 elements, each a `title` (80) and at least one of subtitle (80),
 * image_url, default_action (web_url) or buttons; at most 3 buttons, web_url (url, title) or
 * postback (title, payload), titles of 20 characters.
 */
function templateProblem(payload: Json | undefined): string | undefined {
  if (payload?.template_type !== 'generic') return 'payload.template_type must be generic';
  const elements = payload.elements as Json[] | undefined;
  if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10) {
    return 'payload.elements must hold 1 to 10 elements';
  }
  for (const element of elements) {
    if (typeof element.title !== 'string' || [...element.title].length > 80) {
      return 'elements[].title is required and has an 80 character limit';
    }
    if (typeof element.subtitle === 'string' && [...element.subtitle].length > 80) {
      return 'elements[].subtitle has an 80 character limit';
    }
    if (!['subtitle', 'image_url', 'default_action', 'buttons'].some((k) => k in element)) {
      return 'an element needs at least one property besides title';
    }
    const action = element.default_action as Json | undefined;
    if (
      action &&
      (action.type !== 'web_url' || typeof action.url !== 'string' || 'title' in action)
    ) {
      return 'default_action must be a web_url without title';
    }
    const buttons = element.buttons as Json[] | undefined;
    if (buttons === undefined) continue;
    if (!Array.isArray(buttons) || buttons.length > 3) return 'at most 3 buttons per element';
    for (const button of buttons) {
      if (typeof button.title !== 'string' || [...button.title].length > 20) {
        return 'buttons[].title has a 20 character limit';
      }
      if (button.type === 'web_url' ? typeof button.url !== 'string' : button.type !== 'postback') {
        return 'buttons[].type must be web_url (with url) or postback';
      }
      if (button.type === 'postback' && typeof button.payload !== 'string') {
        return 'buttons[].payload is required for postback';
      }
    }
  }
  return undefined;
}
