import { MetaCloudProvider } from '@app/whatsapp/meta-cloud/meta-cloud.provider';
import { MetaTemplatesClient } from '@app/whatsapp/meta-cloud/meta-templates.client';
import { validateTemplateSend } from '@app/whatsapp/meta-cloud/template-parameters';
import type { FakeTemplate, MetaGraphFake } from '@test/fakes/meta-graph/meta-graph-fake';
import {
  CLINIC,
  GRAPH_VERSION,
  SHOP,
  accountFor,
  failureOf,
  startMetaCloud,
} from './meta-cloud-harness';

const body = (text: string) => ({ type: 'BODY', text });
const approved = (name: string, language: string, text: string, extra = {}): FakeTemplate => ({
  name,
  language,
  status: 'APPROVED',
  category: 'UTILITY',
  parameter_format: 'POSITIONAL',
  components: [body(text)],
  ...extra,
});

const TEMPLATES: FakeTemplate[] = [
  approved('order_update', 'pt_BR', 'Olá {{1}}, seu pedido {{2}} saiu para entrega.'),
  approved('order_update', 'en_US', 'Hi {{1}}, your order {{2}} is on its way.'),
  { ...approved('summer_sale', 'pt_BR', 'Promoção!'), status: 'PENDING', category: 'MARKETING' },
  approved('appointment_reminder', 'pt_BR', 'Olá {{first_name}}, sua consulta é {{when}}.', {
    parameter_format: 'NAMED',
    components: [
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2U='] } },
      body('Olá {{first_name}}, sua consulta é {{when}}.'),
    ],
  }),
  { ...approved('old_promo', 'pt_BR', 'Antiga'), status: 'REJECTED' },
  approved('hello_world', 'en_US', 'Hello World'),
  { ...approved('paused_one', 'pt_BR', 'x'), status: 'PAUSED' },
  approved('clinic_only', 'pt_BR', 'Consulta {{1}}', { wabaId: CLINIC.wabaId }),
];

describe('MetaTemplatesClient against the fake Graph API', () => {
  let fake: MetaGraphFake;
  let templates: MetaTemplatesClient;
  let provider: MetaCloudProvider;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const started = await startMetaCloud({ templates: TEMPLATES, templatePageSize: 2 });
    ({ fake, close } = started);
    templates = started.moduleRef.get(MetaTemplatesClient);
    provider = started.moduleRef.get(MetaCloudProvider);
  });

  afterAll(async () => close?.());

  it('follows the pages and returns every approved template exactly once', async () => {
    const before = fake.requests.length;
    const list = await templates.listApproved(accountFor(SHOP));

    expect(list.map((t) => `${t.name}/${t.language}`)).toEqual([
      'order_update/pt_BR',
      'order_update/en_US',
      'appointment_reminder/pt_BR',
      'hello_world/en_US',
    ]);
    const requests = fake.requests.slice(before);
    // 7 templates of this WABA at 2 per page.
    expect(requests).toHaveLength(4);
    for (const request of requests) {
      expect(request.path).toBe(`/${GRAPH_VERSION}/${SHOP.wabaId}/message_templates`);
      expect(request.headers.authorization).toBe(`Bearer ${SHOP.accessToken}`);
      expect(request.query).toMatchObject({
        fields: 'id,name,language,category,status,parameter_format,components',
        limit: '100',
      });
    }
    expect(requests[0].query.after).toBeUndefined();
    expect(requests.slice(1).every((r) => typeof r.query.after === 'string')).toBe(true);
    expect(new Set(requests.map((r) => r.query.after)).size).toBe(4);
  });

  it('normalises what it lists: ids, category, parameter format and components', async () => {
    const list = await templates.listApproved(accountFor(SHOP));
    const reminder = list.find((t) => t.name === 'appointment_reminder');
    expect(reminder).toEqual({
      id: expect.stringMatching(/^\d{15,16}$/),
      name: 'appointment_reminder',
      language: 'pt_BR',
      category: 'UTILITY',
      status: 'APPROVED',
      parameterFormat: 'NAMED',
      components: [
        { type: 'HEADER', format: 'IMAGE' },
        { type: 'BODY', text: 'Olá {{first_name}}, sua consulta é {{when}}.' },
      ],
    });
  });

  it("lists only the account's own WABA", async () => {
    const names = (await templates.listApproved(accountFor(CLINIC))).map((t) => t.name);
    expect(names).toContain('clinic_only');
    expect((await templates.listApproved(accountFor(SHOP))).map((t) => t.name)).not.toContain(
      'clinic_only',
    );
  });

  it('validates a send against a listed template, and Meta accepts the valid one', async () => {
    const list = await templates.listApproved(accountFor(SHOP));
    const orderUpdate = list.find((t) => t.name === 'order_update' && t.language === 'pt_BR')!;
    const components = [
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Ana' },
          { type: 'text', text: 'A-1001' },
        ],
      },
    ];
    expect(validateTemplateSend(orderUpdate, { language: 'pt_BR', components })).toEqual([]);
    const short = [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }];
    expect(validateTemplateSend(orderUpdate, { language: 'pt_BR', components: short })).toEqual([
      {
        field: 'template.components[0].parameters',
        message: 'the template body has 2 placeholder(s) ({{1}}…{{2}}); got 1 parameter(s)',
      },
    ]);

    const send = (parameters: typeof components) =>
      provider.send(accountFor(SHOP), {
        id: 'msg-0003',
        to: '5511987654321',
        type: 'template',
        template: { name: 'order_update', language: 'pt_BR', components: parameters },
      });
    await expect(send(components)).resolves.toMatchObject({
      providerMessageId: expect.stringMatching(/^wamid\./),
    });
    // What the validator catches up front, Meta would refuse later with 132000.
    expect((await failureOf(send(short))).details.platformCode).toBe('132000');
  });

  it('passes a throttled listing on as retryable', async () => {
    fake.failNext(1, 80007);
    const error = await failureOf(templates.listApproved(accountFor(SHOP)));
    expect(error.retryable).toBe(true);
    expect(error.operation).toBe('list_templates');
  });

  it('fails without calling Meta when the account has no WABA id', async () => {
    const before = fake.requests.length;
    const error = await failureOf(templates.listApproved(accountFor(SHOP, { wabaId: '' })));
    expect(error.retryable).toBe(false);
    expect(fake.requests).toHaveLength(before);
  });
});
