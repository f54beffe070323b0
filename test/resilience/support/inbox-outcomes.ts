import type { DataSource } from 'typeorm';

/** Where a Meta text message's wamid sits in the stored webhook payload. */
const WAMID_IN_PAYLOAD = `payload #>> '{entry,0,changes,0,value,messages,0,id}'`;

/** The wamids whose webhook has an inbox row (stored, whatever became of it). */
export async function storedWamids(
  db: DataSource,
  wamids: readonly string[],
): Promise<Set<string>> {
  const rows: { wamid: string }[] = await db.query(
    `SELECT ${WAMID_IN_PAYLOAD} AS wamid FROM inbound_events
      WHERE source = 'meta' AND ${WAMID_IN_PAYLOAD} = ANY($1)`,
    [wamids],
  );
  return new Set(rows.map((row) => row.wamid));
}

/**
 * The wamids whose webhook was processed to the end: its inbox row is marked processed and
 * the message it carried is stored.
 */
export async function processedWamids(
  db: DataSource,
  wamids: readonly string[],
): Promise<Set<string>> {
  const rows: { wamid: string }[] = await db.query(
    `SELECT e.${WAMID_IN_PAYLOAD} AS wamid FROM inbound_events e
       JOIN messages m ON m.provider_message_id = e.${WAMID_IN_PAYLOAD}
      WHERE e.source = 'meta' AND e.processed_at IS NOT NULL
        AND e.${WAMID_IN_PAYLOAD} = ANY($1)`,
    [wamids],
  );
  return new Set(rows.map((row) => row.wamid));
}
