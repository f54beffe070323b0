import { listOf } from './php-form';

/** A contact as crm.contact.add stored it. */
export interface FakeContact {
  id: number;
  name?: string;
  phones: string[];
  handles: string[];
}

/** A customer's message as imconnector.send.messages posted it to the open line. */
export interface FakeLineMessage {
  line: string;
  connector: string;
  chatId: number;
  externalChatId: string;
  externalMessageId: string;
  imMessageId: number;
  user: Record<string, unknown>;
  text?: string;
  files: string[];
  /** When the fake took it (Date.now()): the mirror benchmark's arrival time. */
  receivedAt: number;
  /** Set by imconnector.update.messages (the text and files are replaced). */
  edited?: boolean;
  /** Set by imconnector.delete.messages. */
  deleted?: boolean;
}

export interface FakePortal {
  name: string;
  memberId: string;
  applicationToken: string;
  /** access token → when it expires (ms); 0 once expired by the test. */
  accessTokens: Map<string, number>;
  refreshToken: string;
  /** connector id → registration, lines it is active on and their data. */
  connectors: Map<string, { name: string; lines: Map<string, Record<string, unknown> | null> }>;
  contacts: FakeContact[];
  /** `${connector}|${line}|${external chat id}` → Bitrix chat id. */
  chats: Map<string, number>;
  messages: FakeLineMessage[];
  statuses: {
    kind: 'delivery' | 'reading';
    line: string;
    chatId: string;
    imChatId: string;
    imMessageId: string;
    externalIds: string[];
  }[];
  systemMessages: { dialogId: string; message: string }[];
  bindings: { event: string; handler: string }[];
  bucket: { level: number; at: number };
}

type Outcome =
  { result: unknown } | { status: number; error: { error: string; error_description: string } };

/** A scalar parameter as text (PHP sends everything as strings). */
const str = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '';

const error = (status: number, code: string, description: string): Outcome => ({
  status,
  error: { error: code, error_description: description },
});

/** The REST methods Omnihub uses, with the checks and answers CONTRACT.md describes. */
export class BitrixRestMethods {
  private nextId = 1000;

  call(portal: FakePortal, method: string, p: Record<string, unknown>): Outcome {
    switch (method) {
      case 'imconnector.register':
        if (!p.ID || !p.NAME) return error(400, 'ERROR_ARGUMENT', 'ID and NAME are required');
        portal.connectors.set(str(p.ID), { name: str(p.NAME), lines: new Map() });
        return { result: { result: true } };
      case 'imconnector.activate': {
        const connector = portal.connectors.get(str(p.CONNECTOR));
        if (!connector) return error(400, 'CONNECTOR_NOT_REGISTERED', 'Unknown connector');
        if (str(p.ACTIVE ?? '1') === '1') connector.lines.set(str(p.LINE), null);
        else connector.lines.delete(str(p.LINE));
        return { result: true };
      }
      case 'imconnector.connector.data.set': {
        const connector = portal.connectors.get(str(p.CONNECTOR));
        if (!connector?.lines.has(str(p.LINE)))
          return error(400, 'NOT_ACTIVE_LINE', 'Line not active');
        connector.lines.set(str(p.LINE), (p.DATA ?? {}) as Record<string, unknown>);
        return { result: true };
      }
      case 'imconnector.send.messages':
        return this.sendMessages(portal, p);
      case 'imconnector.update.messages':
      case 'imconnector.delete.messages':
        return this.changeMessages(portal, p, method === 'imconnector.delete.messages');
      case 'imconnector.send.status.delivery':
      case 'imconnector.send.status.reading': {
        const kind = method.endsWith('delivery') ? 'delivery' : 'reading';
        for (const m of listOf(p.MESSAGES)) {
          const im = (m.im ?? {}) as Record<string, unknown>;
          const message = (m.message ?? {}) as Record<string, unknown>;
          portal.statuses.push({
            kind,
            line: str(p.LINE),
            chatId: str((m.chat as Record<string, unknown> | undefined)?.id ?? ''),
            imChatId: str(im.chat_id),
            imMessageId: str(im.message_id),
            externalIds: listOf<string>(message.id).map(String),
          });
        }
        return { result: true };
      }
      case 'im.message.add':
        portal.systemMessages.push({ dialogId: str(p.DIALOG_ID), message: str(p.MESSAGE) });
        return { result: (this.nextId += 1) };
      case 'crm.duplicate.findbycomm': {
        const values = listOf<string>(p.values).map(String);
        const kind = str(p.type);
        const ids = portal.contacts
          .filter((c) => values.some((v) => (kind === 'PHONE' ? c.phones : c.handles).includes(v)))
          .map((c) => c.id);
        return { result: ids.length ? { CONTACT: ids } : [] };
      }
      case 'crm.contact.add': {
        const fields = (p.fields ?? {}) as Record<string, unknown>;
        const values = (key: string) =>
          listOf<Record<string, unknown>>(fields[key]).map((v) => str(v.VALUE));
        const contact: FakeContact = {
          id: (this.nextId += 1),
          name: fields.NAME as string | undefined,
          phones: values('PHONE'),
          handles: values('IM'),
        };
        portal.contacts.push(contact);
        return { result: contact.id };
      }
      case 'event.bind':
        if (!p.event || !p.handler)
          return error(400, 'ERROR_ARGUMENT', 'event and handler required');
        if (portal.bindings.some((b) => b.event === p.event && b.handler === p.handler)) {
          return error(400, 'ERROR_EVENT_HANDLER_EXISTS', 'Handler already binded');
        }
        portal.bindings.push({ event: str(p.event), handler: str(p.handler) });
        return { result: true };
      case 'app.info':
        return { result: { ID: 1, CODE: 'omnihub', STATUS: 'L', INSTALLED: true } };
      default:
        return error(404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!');
    }
  }

  private sendMessages(portal: FakePortal, p: Record<string, unknown>): Outcome {
    const connectorId = str(p.CONNECTOR);
    const line = str(p.LINE);
    if (!portal.connectors.get(connectorId)?.lines.has(line)) {
      return error(400, 'NOT_ACTIVE_LINE', 'Connector is not active on this line');
    }
    const results = [];
    for (const m of listOf(p.MESSAGES)) {
      const user = (m.user ?? {}) as Record<string, unknown>;
      const message = (m.message ?? {}) as Record<string, unknown>;
      const chat = (m.chat ?? {}) as Record<string, unknown>;
      if (!user.id || !message.id || !chat.id) {
        return error(400, 'ERROR_ARGUMENT', 'user.id, message.id and chat.id are required');
      }
      const files = listOf<Record<string, unknown>>(message.files).map((f) => str(f.url));
      if (!message.text && files.length === 0) return error(400, 'ERROR_ARGUMENT', 'text or files');
      const key = `${connectorId}|${line}|${str(chat.id)}`;
      if (!portal.chats.has(key)) portal.chats.set(key, (this.nextId += 1));
      const chatId = portal.chats.get(key)!;
      const imMessageId = (this.nextId += 1);
      portal.messages.push({
        line,
        connector: connectorId,
        chatId,
        externalChatId: str(chat.id),
        externalMessageId: str(message.id),
        imMessageId,
        user,
        text: message.text as string | undefined,
        files,
        receivedAt: Date.now(),
      });
      results.push({
        user: user.id,
        chat: { id: chatId },
        message: [imMessageId],
        session: { ID: chatId + 1, CHAT_ID: chatId },
      });
    }
    return { result: { SUCCESS: true, DATA: { RESULT: results } } };
  }

  /**
   * imconnector.update.messages / delete.messages: the message named by connector, line,
   * external chat id and external message id; one the connector never posted is an error.
   */
  private changeMessages(portal: FakePortal, p: Record<string, unknown>, remove: boolean): Outcome {
    const connectorId = str(p.CONNECTOR);
    const line = str(p.LINE);
    if (!portal.connectors.get(connectorId)?.lines.has(line)) {
      return error(400, 'NOT_ACTIVE_LINE', 'Connector is not active on this line');
    }
    for (const m of listOf(p.MESSAGES)) {
      const message = (m.message ?? {}) as Record<string, unknown>;
      const chat = (m.chat ?? {}) as Record<string, unknown>;
      const posted = portal.messages.find(
        (x) =>
          x.connector === connectorId &&
          x.line === line &&
          x.externalChatId === str(chat.id) &&
          x.externalMessageId === str(message.id),
      );
      if (!posted || posted.deleted) {
        return error(400, 'IMCONNECTOR_NOT_ALL_THE_REQUIRED_DATA', 'No such message');
      }
      if (remove) {
        posted.deleted = true;
        continue;
      }
      const files = listOf<Record<string, unknown>>(message.files).map((f) => str(f.url));
      if (!message.text && files.length === 0) return error(400, 'ERROR_ARGUMENT', 'text or files');
      posted.text = message.text as string | undefined;
      posted.files = files;
      posted.edited = true;
    }
    return { result: { SUCCESS: true } };
  }
}
