// Bills and payments: /api/v1/bills, /api/v1/bills/{id}, /api/v1/bills/{id}/guarantee and the
// bank's /api/v1/payments/confirmations (public, authenticated by an HMAC signature of the body).
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../platform/errors.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { errorResponses, IdParams, Page } from '../platform/http/schemas.ts';
import { BILL_READERS, GUARANTORS } from './bills.service.ts';
import { Bill, BillDetail, BillQuery, GuaranteeInput, PaymentConfirmation, PaymentReceipt } from './duties.schemas.ts';
import { SIGNATURE_HEADER, verifyPaymentSignature } from './payment.signature.ts';
import { utf8Parser } from '../platform/http/body-text.ts';

/** A confirmation is a few hundred bytes. */
const CONFIRMATION_LIMIT = 16 * 1024;

export function registerBillRoutes(app: App, ctx: AppContext): void {
  const { duties, db, config } = ctx;
  const tags = ['duties'];

  app.get(
    '/api/v1/bills',
    {
      config: { access: { roles: BILL_READERS } },
      schema: { tags, summary: 'Bills the caller may see, newest first', querystring: BillQuery, response: { 200: Page(Bill), ...errorResponses } },
    },
    (request) => duties.listBills(principalOf(request), request.query),
  );

  app.get(
    '/api/v1/bills/:id',
    {
      config: { access: { roles: BILL_READERS } },
      schema: { tags, summary: 'A bill with each line’s duty, excise and VAT: rate, basis and formula', params: IdParams, response: { 200: BillDetail, ...errorResponses } },
    },
    (request) => duties.getBill(principalOf(request), request.params.id),
  );

  app.post(
    '/api/v1/bills/:id/guarantee',
    {
      config: { access: { roles: GUARANTORS } },
      schema: {
        tags,
        summary: 'Accept a guarantee for an unpaid bill: the declaration may be released before payment',
        params: IdParams,
        body: GuaranteeInput,
        response: { 200: BillDetail, ...errorResponses },
      },
    },
    (request, reply) =>
      idempotent(db, request, reply, 200, (tx) => duties.guaranteeBill(tx, principalOf(request), request.params.id, request.body.guaranteeReference)),
  );

  // The signature covers the exact bytes sent, so this route's own JSON parser checks it on the raw
  // text before parsing; the scope confines that parser to this route.
  const signed = new WeakSet<FastifyRequest>();
  const unsigned = () => new AppError('UNAUTHENTICATED', `Send ${SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of the body with the payment secret>`);
  void app.register((plugin, _options, registered) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    const parseJson = scope.getDefaultJsonParser('error', 'error');
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: CONFIRMATION_LIMIT }, utf8Parser((request, text, done) => {
      if (!verifyPaymentSignature(config.paymentSecret ?? '', text, request.headers[SIGNATURE_HEADER])) return done(unsigned(), undefined);
      signed.add(request);
      void parseJson(request, text, done);
    }));
    scope.post(
      '/api/v1/payments/confirmations',
      {
        bodyLimit: CONFIRMATION_LIMIT,
        // No bearer token: the bank proves itself with the signature of the body.
        config: { access: 'public' },
        onRequest: (_request, _reply, done) => {
          done(config.paymentSecret ? undefined : new AppError('UNAVAILABLE', 'Payment confirmations are not accepted: no payment secret is configured'));
        },
        // A request without a JSON body never reached the parser above: it is not signed either.
        preValidation: (request, _reply, done) => done(signed.has(request) ? undefined : unsigned()),
        schema: {
          tags,
          summary: "The bank confirms a bill's payment; signed with X-Cordon-Signature (see src/duties/PAYMENTS.md)",
          headers: Type.Object({ [SIGNATURE_HEADER]: Type.Optional(Type.String({ description: 'sha256=<hex HMAC-SHA256 of the raw body>' })) }),
          body: PaymentConfirmation,
          response: { 200: PaymentReceipt, 400: errorResponses[400], 401: errorResponses[401], 404: errorResponses[404], 409: errorResponses[409], 503: Type.Ref('ErrorBody') },
        },
      },
      // Idempotent on the bank's own reference (a repeat gets the stored answer), not on an
      // Idempotency-Key: that needs a signed-in principal, and the bank is not one.
      (request) => db.transaction((tx) => duties.confirmPayment(tx, request.body)),
    );
    registered();
  });
}
