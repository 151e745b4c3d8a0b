import type { z } from 'zod';
import { redactSignedQueries } from './secrets.js';

/** One line saying why a body did not match its schema, with the start of the body itself. */
export function describeSchemaError(error: z.ZodError, text: string): string {
  const issue = error.issues[0];
  const where = issue && issue.path.length ? `${issue.path.join('.')}: ` : '';
  const snippet = redactSignedQueries(text.slice(0, 4_000).replace(/\s+/g, ' ').trim()).slice(0, 120);
  const body = snippet === '' ? 'an empty body' : `body ${JSON.stringify(snippet)}`;
  return `${where}${issue?.message ?? 'invalid'} (${body})`;
}
