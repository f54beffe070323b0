// The set-based INSERT that writes one slice of a growth step's messages. Rows come out of
// generate_series per conversation, are sorted by time before they are inserted (so the heap
// and every index fill in arrival order, conversations interleaved, as live traffic leaves
// them) and get UUIDv7 ids from their own timestamp, which history pagination relies on.

/**
 * A UUIDv7 for timestamp expression `at`: 48-bit Unix milliseconds, version 7, and the random
 * bits (variant included) of a v4 UUID. Ids of one millisecond are in random order, as ids
 * from several pods would be.
 */
export function uuidV7Sql(at: string): string {
  const millisHex = `lpad(to_hex(floor(extract(epoch FROM ${at}) * 1000)::bigint), 12, '0')`;
  return `(substr(${millisHex}, 1, 8) || '-' || substr(${millisHex}, 9, 4) || '-7' || substr(gen_random_uuid()::text, 16))::uuid`;
}

/** Words for message text: Portuguese customer-service chatter, cut at random places. */
const PHRASES =
  'Olá, bom dia! Gostaria de remarcar minha consulta para a próxima semana, se possível. ' +
  'Claro! Temos horários na terça às 14h30 ou na quinta às 9h. Qual prefere? ' +
  'Pode ser na quinta, obrigado. Vocês aceitam o convênio ou só particular? ' +
  'Aceitamos, sim. Por favor envie a foto da carteirinha e um documento com foto. ' +
  'Enviei agora. O boleto da última mensalidade ainda não chegou no meu e-mail. ' +
  'Vou verificar com o financeiro e retorno em instantes. Seu pedido foi confirmado. ' +
  'O entregador saiu para entrega e chega entre 15h e 18h. Muito obrigado pelo atendimento! ';

/**
 * Inserts the messages of slice `$1` of `$2` of the current allocation (bench_step_allocation),
 * dated uniformly in [`$3`, `$3` + `$4`). Parameters: slice index, slice count, slice start
 * (timestamptz), slice length (interval).
 */
export const INSERT_MESSAGE_SLICE = `
INSERT INTO messages (
  id, tenant_id, conversation_id, channel_account_id, direction, type, content, status, provider,
  provider_message_id, idempotency_key, error_code, error_title, platform_timestamp, created_at,
  enqueued_at, sent_at, delivered_at, read_at, failed_at, updated_at)
SELECT id, tenant_id, conversation_id, channel_account_id, direction, type,
  CASE type
    WHEN 'text' THEN jsonb_build_object('type', 'text', 'text',
      substr(${literal(PHRASES)}, 1 + floor(r_text * 380)::int, 8 + (floor(r_text * 100000)::int % 180)))
    WHEN 'image' THEN jsonb_build_object('type', 'image', 'media', jsonb_build_object(
      'id', (floor(r_text * 1e15))::bigint::text, 'mimeType', 'image/jpeg',
      'sha256', md5(id::text), 'caption', CASE WHEN r_text < 0.4 THEN 'segue a foto' END))
    WHEN 'audio' THEN jsonb_build_object('type', 'audio', 'media', jsonb_build_object(
      'id', (floor(r_text * 1e15))::bigint::text, 'mimeType', 'audio/ogg; codecs=opus', 'voice', true))
    WHEN 'document' THEN jsonb_build_object('type', 'document', 'media', jsonb_build_object(
      'id', (floor(r_text * 1e15))::bigint::text, 'mimeType', 'application/pdf',
      'filename', 'boleto-' || floor(r_text * 100000)::int || '.pdf'))
    WHEN 'location' THEN jsonb_build_object('type', 'location',
      'latitude', round((-23.55 + r_text / 10)::numeric, 6), 'longitude', round((-46.63 - r_text / 10)::numeric, 6),
      'name', 'Clínica Centro')
    WHEN 'template' THEN jsonb_build_object('type', 'template', 'template', jsonb_build_object(
      'name', 'appointment_reminder', 'language', jsonb_build_object('code', 'pt_BR'),
      'components', jsonb_build_array(jsonb_build_object('type', 'body', 'parameters', jsonb_build_array(
        jsonb_build_object('type', 'text', 'text', 'Maria'),
        jsonb_build_object('type', 'text', 'text', to_char(created_at, 'DD/MM HH24:MI')))))))
    ELSE jsonb_build_object('type', 'reaction', 'targetProviderMessageId',
      'wamid.HBgN' || md5(id::text), 'emoji', '👍')
  END,
  status, provider,
  CASE WHEN status <> 'failed' THEN
    CASE provider WHEN 'evolution' THEN '3EB0' || upper(replace(id::text, '-', ''))
                  ELSE 'wamid.HBgN' || replace(id::text, '-', '') END
  END,
  CASE WHEN direction = 'outbound' AND r_direction > 0.85 THEN 'bench-' || id END,
  CASE WHEN status = 'failed' THEN '131026' END,
  CASE WHEN status = 'failed' THEN 'Message undeliverable' END,
  CASE WHEN direction = 'inbound' THEN date_trunc('second', created_at) END,
  created_at,
  CASE WHEN direction = 'outbound' THEN created_at + interval '3 milliseconds' END,
  sent_at, delivered_at, read_at, failed_at,
  COALESCE(read_at, failed_at, delivered_at, sent_at, created_at)
FROM (
  SELECT *,
    CASE WHEN status IN ('sent', 'delivered', 'read') THEN created_at + interval '400 milliseconds' END AS sent_at,
    CASE WHEN status IN ('delivered', 'read') THEN created_at + interval '2 seconds' END AS delivered_at,
    CASE WHEN status = 'read' THEN created_at + r_status * interval '10 minutes' END AS read_at,
    CASE WHEN status = 'failed' THEN created_at + interval '1 second' END AS failed_at
  FROM (
    SELECT ${uuidV7Sql('created_at')} AS id, tenant_id, conversation_id, channel_account_id,
      provider, created_at, r_direction, r_status, r_text, direction,
      CASE
        WHEN r_type < 0.80 THEN 'text'
        WHEN r_type < 0.88 THEN 'image'
        WHEN r_type < 0.92 THEN 'audio'
        WHEN r_type < 0.95 THEN 'document'
        WHEN r_type < 0.97 THEN 'location'
        WHEN direction = 'outbound' THEN 'template'
        ELSE 'reaction'
      END AS type,
      CASE
        WHEN direction = 'inbound' THEN 'received'
        WHEN r_status < 0.02 THEN 'failed'
        WHEN r_status < 0.10 THEN 'sent'
        WHEN r_status < 0.35 THEN 'delivered'
        ELSE 'read'
      END AS status
    FROM (
      SELECT *, CASE WHEN r_direction < 0.5 THEN 'inbound' ELSE 'outbound' END AS direction
      FROM (
        SELECT p.conversation_id, p.tenant_id, p.channel_account_id, p.provider,
          $3::timestamptz + random() * $4::interval AS created_at,
          random() AS r_direction, random() AS r_type, random() AS r_status, random() AS r_text
        FROM bench_step_allocation a
        JOIN bench_conversation_plan p USING (conversation_id)
        CROSS JOIN LATERAL generate_series(1, (a.n * ($1::int + 1)) / $2::int - (a.n * $1::int) / $2::int)
        ORDER BY created_at
      ) drawn
    ) directed
    -- OFFSET 0 keeps this level from being merged into the ones above, which would call
    -- gen_random_uuid() once per use of id instead of once per row.
    OFFSET 0
  ) classified
) timed`;

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
