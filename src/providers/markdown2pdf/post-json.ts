/** One JSON POST for the command's own small calls (an invoice, the simulator's pay endpoint): never throws. */
import { parseJson, sendRequest } from '../../core/http.js';

export type PostAnswer = { ok: true; status: number; body: unknown } | { ok: false; status?: number; body?: unknown; problem: string };

export async function postJson(url: string, json: unknown, timeoutMs = 10_000): Promise<PostAnswer> {
  const answer = await sendRequest({ url, method: 'POST', json, timeoutMs, controller: new AbortController() });
  if (answer === null) return { ok: false, problem: 'cancelled' };
  if ('type' in answer) return { ok: false, problem: answer.message };
  const body = parseJson(answer.text);
  if (answer.status >= 200 && answer.status < 300) return { ok: true, status: answer.status, body };
  return { ok: false, status: answer.status, body, problem: `${answer.status}: ${detailOf(body) ?? answer.text.slice(0, 200)}` };
}

/** FastAPI's `{ detail: "…" }`, the providers' usual error sentence. */
function detailOf(body: unknown): string | undefined {
  const detail = (body as { detail?: unknown } | undefined)?.detail;
  return typeof detail === 'string' ? detail : undefined;
}
