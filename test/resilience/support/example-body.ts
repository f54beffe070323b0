import type { JsonSchema } from './openapi-routes';

/** Who a body speaks for: fields naming an account or instance get the caller's own. */
export interface BodyOwner {
  accountId: string;
  instanceName: string;
  instanceKey: string;
}

/** Field names that name the caller's resources, wherever they appear in a body. */
const OWNED_FIELDS: [RegExp, (owner: BodyOwner) => string][] = [
  [/accountid$/i, (owner) => owner.accountId],
  [/^instance$/, (owner) => owner.instanceName],
  [/^apikey$/i, (owner) => owner.instanceKey],
];

/**
 * A body that passes validation, built from the documented schema: the schema's example, or
 * each required field from its example, enum or type. Fields naming an account or an instance
 * get the owner's, so a refusal is about the request's subject, not its body.
 */
export function exampleBody(schema: JsonSchema, owner: BodyOwner): unknown {
  return ownedBy(build(schema), owner);
}

function build(node: JsonSchema): unknown {
  if (node.example !== undefined) return structuredClone(node.example);
  if (node.enum?.length) return node.enum[0];
  if (node.type === 'object' || node.properties) {
    return Object.fromEntries(
      (node.required ?? []).map((key) => [key, build(node.properties?.[key] ?? {})]),
    );
  }
  if (node.type === 'array') return [];
  if (node.type === 'number' || node.type === 'integer') return node.minimum ?? 1;
  if (node.type === 'boolean') return true;
  return 'value';
}

function ownedBy(value: unknown, owner: BodyOwner): unknown {
  if (Array.isArray(value)) return value.map((item) => ownedBy(item, owner));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => {
      const owned = OWNED_FIELDS.find(([pattern]) => pattern.test(key));
      return [key, owned ? owned[1](owner) : ownedBy(field, owner)];
    }),
  );
}
