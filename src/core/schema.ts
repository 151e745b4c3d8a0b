import type { $ZodShape, $ZodType, util } from 'zod/v4/core';
import { safeParse } from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { redactSignedQueries } from './secrets.js';

/** A zod object shape (mini or classic): a chart's own options beside the polling ones. */
export type SchemaShape = $ZodShape;

/** Any zod schema (mini or classic) whose output is `T`. */
export type Schema<T = unknown> = $ZodType<T>;

/**
 * English messages for this parse only: `zod/mini` loads no locale (so an app bundles none it did not choose),
 * and configuring one globally would change the app's own zod messages.
 */
const english = en().localeError;

/** Checks a value against a schema without throwing; messages are zod's English ones unless the schema has its own. */
export function checkSchema<T>(schema: Schema<T>, value: unknown): util.SafeParseResult<T> {
  return safeParse(schema, value, { error: english });
}

/** One line saying why a body did not match its schema, with the start of the body itself. */
export function describeSchemaError(error: { issues: readonly { path: PropertyKey[]; message: string }[] }, text: string): string {
  const issue = error.issues[0];
  const where = issue && issue.path.length ? `${issue.path.map(String).join('.')}: ` : '';
  const snippet = redactSignedQueries(text.slice(0, 4_000).replace(/\s+/g, ' ').trim()).slice(0, 120);
  const body = snippet === '' ? 'an empty body' : `body ${JSON.stringify(snippet)}`;
  return `${where}${issue?.message ?? 'invalid'} (${body})`;
}
