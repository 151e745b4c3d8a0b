import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { json, type SimAnswer, type SimRequest, type SimRoute } from '../../simulator/http.js';
import { ScriptPlayer, ScriptQueue, sharedStepAnswer, type JobScript, type ScriptStep } from '../../simulator/script.js';

/** A markdown2pdf status a script can put a job in. */
export type Markdown2pdfStatusStep =
  | { status: 'Not Started' }
  | { status: 'Processing'; progress?: number }
  | { status: 'Done' }
  | { status: 'Error'; status_meta?: string | null; description?: string | null }
  /** Any other value, to test how a client copes with a status it does not know. */
  | { status: string };

export type Markdown2pdfScript = JobScript<Markdown2pdfStatusStep>;

export interface Markdown2pdfSimOptions {
  /**
   * `paid` (the default): a new document is answered 402 with offers until a payment for it is settled
   * (`settlePayments()` / `settlePayment(token)`). `free`: every document is created at once.
   */
  pricing?: 'paid' | 'free';
  /** How answers write `path`: `relative` (`/job/{id}/status`, the default) or `absolute` (with the simulator's origin). */
  paths?: 'relative' | 'absolute';
}

/** A realistic job: queued briefly, then converting with progress for a few seconds. */
export const markdown2pdfDefaultScript: Markdown2pdfScript = {
  timeline: [
    { afterMs: 0, status: 'Not Started' },
    { afterMs: 1_000, status: 'Processing', progress: 0.2 },
    { afterMs: 3_000, status: 'Processing', progress: 0.6 },
    { afterMs: 5_000, status: 'Done' },
  ],
};

interface SimJob {
  id: string;
  documentName: string;
  player: ScriptPlayer<Markdown2pdfStatusStep>;
  done: boolean;
}

interface SimOffer {
  id: string;
  title: string;
  description: string;
  type: string;
  amount: number;
  currency: string;
  payment_methods: string[];
}

/** One 402 answer: what it offered, for which document, and whether it has been paid. */
interface PaymentContext {
  documentKey: string;
  offers: SimOffer[];
  settled: boolean;
  invoices: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
export const MARKDOWN2PDF_PAYMENT_REQUEST_PATH = '/l402/payment-request';
/**
 * The simulator's own control endpoint (the real service has none): `POST { invoice }` or
 * `POST { payment_context_token }` settles that payment, as paying the invoice with a wallet would.
 * What `jobcharts simulate pay` calls from another process.
 */
export const MARKDOWN2PDF_SIMULATOR_PAY_PATH = '/simulator/markdown2pdf/pay';

/** What the simulator offers in every 402 (each offer gets its own `id`). */
export const markdown2pdfOffer: Omit<SimOffer, 'id'> = {
  title: 'Markdown to PDF',
  description: 'Convert one markdown document to a print-ready PDF',
  type: 'one-time',
  amount: 1,
  currency: 'USD',
  payment_methods: ['lightning'],
};

const detail = (status: number, text: string, jobId?: string) => json(status, { detail: text }, jobId === undefined ? {} : { jobId });
/** FastAPI's validation answer: `{ detail: [{ loc, msg, type }] }`. */
const validation = (items: { loc: (string | number)[]; msg: string; type: string }[], jobId?: string) =>
  json(422, { detail: items }, jobId === undefined ? {} : { jobId });

/**
 * The simulated markdown2pdf.ai API (../shared/providers.md): create with 402 pay-per-use (L402 offers, the
 * `payment_request_url` that hands out a BOLT11 invoice), the JobStatus poll, the metadata answer and the PDF itself.
 *
 * A paid document stays paid: sending the same body again returns the same job (as the real service, which
 * charges per new document), so a create repeated after a restart neither pays twice nor makes a second job.
 */
export class Markdown2pdfSim {
  readonly scripts = new ScriptQueue<Markdown2pdfScript>();
  /** Answers for the next creates, played before anything else (e.g. `{ http: 422, body }`, `{ http: 503 }`). */
  readonly createSteps: ScriptStep<never>[] = [];
  pricing: 'paid' | 'free';
  paths: 'relative' | 'absolute';
  private readonly jobs = new Map<string, SimJob>();
  private readonly payments = new Map<string, PaymentContext>();
  /** Documents paid for, and the job made for each once it was created. */
  private readonly paidDocuments = new Map<string, string | null>();

  constructor(options: Markdown2pdfSimOptions = {}) {
    this.pricing = options.pricing ?? 'paid';
    this.paths = options.paths ?? 'relative';
  }

  /** Marks every payment asked for so far as settled (as if the invoices were paid). Returns how many. */
  settlePayments(): number {
    let settled = 0;
    for (const token of this.payments.keys()) if (this.settlePayment(token)) settled += 1;
    return settled;
  }

  /** Marks one payment (by its `payment_context_token`) as settled; false when unknown or already settled. */
  settlePayment(token: string): boolean {
    const payment = this.payments.get(token);
    if (!payment || payment.settled) return false;
    payment.settled = true;
    if (!this.paidDocuments.has(payment.documentKey)) this.paidDocuments.set(payment.documentKey, null);
    return true;
  }

  /** `payment_context_token`s of the 402 answers not settled yet, oldest first. */
  get unsettledPayments(): string[] {
    return [...this.payments].filter(([, p]) => !p.settled).map(([token]) => token);
  }

  /** Invoices handed out for one payment context. */
  invoicesFor(token: string): string[] {
    return [...(this.payments.get(token)?.invoices ?? [])];
  }

  /** Adds a job directly (as if created and paid earlier), for attach-by-id tests. Returns its id. */
  addJob(script: Markdown2pdfScript, options: { now?: number; documentName?: string } = {}): string {
    return this.newJob(options.documentName ?? 'converted.pdf', script, options.now ?? 0);
  }

  get jobCount(): number {
    return this.jobs.size;
  }

  routes(): SimRoute[] {
    const route = (method: 'GET' | 'POST', pattern: RegExp, handle: (r: SimRequest) => SimAnswer): SimRoute => ({
      provider: 'markdown2pdf',
      method,
      pattern,
      handle,
    });
    return [
      route('POST', /^\/v1\/markdown$/, (r) => this.create(r)),
      route('GET', /^\/job\/(?<id>[^/]+)\/status$/, (r) => this.status(r)),
      route('GET', /^\/job\/(?<id>[^/]+)\/output$/, (r) => this.output(r)),
      route('POST', /^\/l402\/payment-request$/, (r) => this.paymentRequest(r)),
      route('GET', /^\/files\/(?<id>[^/]+)\/(?<name>[^/]+)$/, (r) => this.file(r)),
      route('POST', new RegExp(`^${MARKDOWN2PDF_SIMULATOR_PAY_PATH}$`), (r) => this.pay(r)),
    ];
  }

  private newJob(documentName: string, script: Markdown2pdfScript, now: number): string {
    const id = randomUUID();
    this.jobs.set(id, { id, documentName, player: new ScriptPlayer(script, now), done: false });
    return id;
  }

  private url(request: SimRequest, path: string): string {
    return this.paths === 'absolute' ? `${request.baseUrl}${path}` : path;
  }

  private create(request: SimRequest): SimAnswer {
    const scripted = this.createSteps.shift();
    if (scripted !== undefined) return { ...(sharedStepAnswer(scripted, '') ?? json(500, { detail: 'bad scripted step' })), jobId: undefined };
    const problems = requestProblems(request);
    if (problems.length) return validation(problems);
    const body = request.body as { options: { document_name: string } };
    const documentKey = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    if (this.pricing === 'paid' && !this.paidDocuments.has(documentKey)) return this.paymentRequired(request, documentKey);
    const existing = this.paidDocuments.get(documentKey);
    const jobId = existing ?? this.newJob(body.options.document_name, this.scripts.take(body) ?? markdown2pdfDefaultScript, request.now);
    if (this.pricing === 'paid') this.paidDocuments.set(documentKey, jobId);
    const statusPath = `/job/${jobId}/status`;
    return json(
      200,
      { id: jobId, description: null, status: 'Not Started', status_meta: null, progress: 0, path: this.url(request, statusPath) },
      { jobId },
    );
  }

  private paymentRequired(request: SimRequest, documentKey: string): SimAnswer {
    const token = randomBytes(24).toString('base64url');
    const offers: SimOffer[] = [{ id: `offer_${randomBytes(4).toString('hex')}`, ...markdown2pdfOffer }];
    this.payments.set(token, { documentKey, offers, settled: false, invoices: [] });
    return json(402, {
      offers,
      payment_context_token: token,
      payment_request_url: `${request.baseUrl}${MARKDOWN2PDF_PAYMENT_REQUEST_PATH}`,
      version: '0.2.2',
    });
  }

  /** `POST {payment_request_url}` `{ offer_id, payment_context_token, payment_method }` → a (fake) BOLT11 invoice. */
  private paymentRequest(request: SimRequest): SimAnswer {
    const body = (request.body ?? {}) as { offer_id?: unknown; payment_context_token?: unknown; payment_method?: unknown };
    const payment = typeof body.payment_context_token === 'string' ? this.payments.get(body.payment_context_token) : undefined;
    if (!payment) return detail(400, 'Unknown or missing payment_context_token.');
    const offer = payment.offers.find((o) => o.id === body.offer_id);
    if (!offer) return detail(400, `Unknown offer_id ${JSON.stringify(body.offer_id ?? null)} for this payment context.`);
    if (typeof body.payment_method !== 'string' || !offer.payment_methods.includes(body.payment_method)) {
      return detail(400, `payment_method must be one of ${offer.payment_methods.join(', ')}.`);
    }
    const invoice = fakeBolt11(offer.amount);
    payment.invoices.push(invoice);
    return json(200, {
      offer_id: offer.id,
      payment_request: { payment_request: invoice },
      expires_at: new Date(request.now + 15 * 60_000).toISOString(),
      version: '0.2.2',
    });
  }

  /** The simulator's control call: settles a payment by its invoice or its token, from any process. */
  private pay(request: SimRequest): SimAnswer {
    const body = (request.body ?? {}) as { invoice?: unknown; payment_context_token?: unknown };
    const invoice = typeof body.invoice === 'string' ? body.invoice.trim() : undefined;
    const token = typeof body.payment_context_token === 'string' ? body.payment_context_token : undefined;
    if (invoice === undefined && token === undefined) return detail(400, 'Send { "invoice": "lnbc…" } or { "payment_context_token": "…" }.');
    const found = [...this.payments].find(([t, p]) => (invoice === undefined ? t === token : p.invoices.includes(invoice)));
    if (!found) return detail(404, invoice === undefined ? 'No payment with this payment_context_token.' : 'No invoice like this was handed out.');
    const [paidToken, payment] = found;
    if (!this.settlePayment(paidToken)) return detail(409, 'This payment is settled already.');
    return json(200, { settled: true, offers: payment.offers.map((o) => ({ id: o.id, title: o.title, amount: o.amount, currency: o.currency })) });
  }

  private findJob(request: SimRequest): SimJob | SimAnswer {
    const id = request.params.id;
    if (!UUID.test(id)) {
      return validation([{ loc: ['path', 'job_id'], msg: 'Input should be a valid UUID', type: 'uuid_parsing' }], id);
    }
    return this.jobs.get(id) ?? detail(404, 'Job not found', id);
  }

  private status(request: SimRequest): SimAnswer {
    const job = this.findJob(request);
    if (!('player' in job)) return job;
    const step = job.player.next(request.now);
    const shared = sharedStepAnswer(step, job.id);
    if (shared) return shared;
    const s = step as Markdown2pdfStatusStep;
    const answer = {
      id: job.id,
      description: `Converting ${job.documentName}`,
      status: s.status,
      status_meta: null as string | null,
      progress: 0,
      path: this.url(request, `/job/${job.id}/status`) as string | null,
    };
    if (s.status === 'Processing') answer.progress = ('progress' in s && s.progress) || 0.5;
    if (s.status === 'Done') {
      job.done = true;
      answer.progress = 1;
      answer.path = this.url(request, `/job/${job.id}/output`);
    }
    if (s.status === 'Error') {
      const e = s as { status_meta?: string | null; description?: string | null };
      answer.status_meta = e.status_meta === undefined ? 'LaTeX compilation failed: undefined control sequence' : e.status_meta;
      if (e.description !== undefined) answer.description = e.description as string;
      answer.path = null;
    }
    return json(200, answer, { jobId: job.id });
  }

  /** The metadata answer of a Done job: `url` is the PDF. */
  private output(request: SimRequest): SimAnswer {
    const job = this.findJob(request);
    if (!('player' in job)) return job;
    if (!job.done) return detail(404, 'Output not available: the job is not Done.', job.id);
    return json(
      200,
      { url: `${request.baseUrl}/files/${job.id}/${encodeURIComponent(job.documentName)}`, document_name: job.documentName },
      { jobId: job.id },
    );
  }

  private file(request: SimRequest): SimAnswer {
    const job = this.jobs.get(request.params.id);
    if (!job?.done) return detail(404, 'Not Found');
    const pdf = `%PDF-1.4\n% simulated markdown2pdf output for ${job.documentName}\n%%EOF\n`;
    return { status: 200, raw: Buffer.from(pdf), contentType: 'application/pdf', jobId: job.id };
  }
}

/** What FastAPI would say about a `POST /v1/markdown` body. */
function requestProblems(request: SimRequest): { loc: (string | number)[]; msg: string; type: string }[] {
  if (request.body === undefined) return [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }];
  const body = request.body as { data?: { text_body?: unknown; meta?: unknown }; options?: { document_name?: unknown } };
  const problems: { loc: (string | number)[]; msg: string; type: string }[] = [];
  const field = (loc: string[], value: unknown, required = true) => {
    if (value === undefined) {
      if (required) problems.push({ loc: ['body', ...loc], msg: 'Field required', type: 'missing' });
    } else if (typeof value !== 'string') {
      problems.push({ loc: ['body', ...loc], msg: 'Input should be a valid string', type: 'string_type' });
    }
  };
  if (typeof body !== 'object' || body === null) return [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }];
  field(['data', 'text_body'], body.data?.text_body);
  const meta = (body.data?.meta ?? {}) as { title?: unknown; date?: unknown };
  field(['data', 'meta', 'title'], meta.title, false);
  field(['data', 'meta', 'date'], meta.date, false);
  field(['options', 'document_name'], body.options?.document_name);
  return problems;
}

/** Looks like a BOLT11 invoice (`lnbc<amount>…`); it pays nothing: settle payments with the simulator's control calls. */
function fakeBolt11(amount: number): string {
  const data = [...randomBytes(180)].map((b) => BECH32[b % 32]).join('');
  return `lnbc${Math.max(1, Math.round(amount)) * 10}n1p${data}`;
}
