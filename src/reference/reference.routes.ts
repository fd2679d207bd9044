// Read-only reference data for every signed-in user: HS nomenclature search, code lists, UN/LOCODE
// lookup and the ISO 6346 container number check that the console runs as people type.
import { Type } from 'typebox';
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { ALL_ROLES } from '../platform/auth/principal.ts';
import { Page, StringEnum } from '../platform/http/schemas.ts';
import { HS_EDITIONS } from './reference.ts';
import { createReferenceService } from './reference.service.ts';

const everyone = { access: { roles: ALL_ROLES } };
const tags = ['reference'];

const HsEdition = StringEnum(HS_EDITIONS, { description: 'HS edition; the one in force when omitted' });
const Limit = Type.Integer({ minimum: 1, maximum: 100, default: 20 });

const HsEntry = Type.Object({
  code: Type.String({ description: '2 (chapter), 4 (heading) or 6 (subheading) digits' }),
  description: Type.String(),
  level: Type.Union([Type.Literal(2), Type.Literal(4), Type.Literal(6)]),
  section: Type.String({ description: 'Roman numeral I to XXI' }),
  parent: Type.Union([Type.String(), Type.Null()]),
});

const HsDetail = Type.Object({
  edition: HsEdition,
  code: Type.String(),
  description: Type.String(),
  level: Type.Union([Type.Literal(2), Type.Literal(4), Type.Literal(6)]),
  section: Type.String(),
  sectionName: Type.Union([Type.String(), Type.Null()]),
  parent: Type.Union([Type.String(), Type.Null()]),
  ancestors: Type.Array(HsEntry, { description: 'Chapter and heading above the entry, chapter first' }),
});

const Country = Type.Object({
  alpha2: Type.String(),
  alpha3: Type.String(),
  numeric: Type.String({ description: 'Three digits, e.g. 004' }),
  name: Type.String(),
  currencies: Type.Array(Type.String()),
});

const Currency = Type.Object({
  code: Type.String(),
  numeric: Type.String(),
  name: Type.String(),
  minorUnit: Type.Union([Type.Integer(), Type.Null()], { description: 'Digits after the decimal point; null for funds and metals' }),
});

const Unit = Type.Object({ code: Type.String({ description: 'UN/ECE Recommendation 20 code' }), name: Type.String() });

const Locode = Type.Object({
  code: Type.String({ description: 'Country and location, e.g. NLRTM' }),
  country: Type.String(),
  name: Type.String(),
  subdivision: Type.Union([Type.String(), Type.Null()]),
  functions: Type.String({ description: 'UN/LOCODE function classifier, e.g. 12345--- (1 port, 2 rail, 3 road, 4 airport)' }),
  latitude: Type.Union([Type.Number(), Type.Null()]),
  longitude: Type.Union([Type.Number(), Type.Null()]),
});

const ContainerCheck = Type.Object({
  number: Type.String({ description: 'The number upper-cased and without spaces' }),
  valid: Type.Boolean(),
  problem: Type.Union([Type.String(), Type.Null()]),
});

export function registerReferenceRoutes(app: App, ctx: AppContext): void {
  const reference = createReferenceService({ db: ctx.db, reference: ctx.reference });

  app.get(
    '/api/v1/reference/hs',
    {
      config: everyone,
      schema: {
        tags,
        summary: 'Search the HS nomenclature by code prefix (digits) or by words of the description',
        querystring: Type.Object(
          {
            q: Type.Optional(Type.String({ maxLength: 100, description: 'Digits: code prefix. Words: all must appear. Empty: the chapters' })),
            limit: Type.Optional(Limit),
            edition: Type.Optional(HsEdition),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(HsEntry) },
      },
    },
    (request) => reference.searchHs(request.query.q ?? '', request.query.limit ?? 20, request.query.edition),
  );

  app.get(
    '/api/v1/reference/hs/:code',
    {
      config: everyone,
      schema: {
        tags,
        summary: 'An HS chapter, heading or subheading with its section and the codes above it',
        params: Type.Object({ code: Type.String({ pattern: '^[0-9]{2}([0-9]{2})?(\\.?[0-9]{2})?$', description: 'e.g. 85, 8517, 851713 or 8517.13' }) }),
        querystring: Type.Object({ edition: Type.Optional(HsEdition) }, { additionalProperties: false }),
        response: { 200: HsDetail },
      },
    },
    (request) => reference.getHs(request.params.code, request.query.edition),
  );

  app.get(
    '/api/v1/reference/countries',
    { config: everyone, schema: { tags, summary: 'ISO 3166 countries', response: { 200: Page(Country) } } },
    () => reference.listCountries(),
  );

  app.get(
    '/api/v1/reference/currencies',
    { config: everyone, schema: { tags, summary: 'Current ISO 4217 currencies', response: { 200: Page(Currency) } } },
    () => reference.listCurrencies(),
  );

  app.get(
    '/api/v1/reference/units',
    { config: everyone, schema: { tags, summary: 'Units of measure accepted on declarations (UN/ECE Rec. 20)', response: { 200: Page(Unit) } } },
    () => reference.listUnits(),
  );

  app.get(
    '/api/v1/reference/locodes',
    {
      config: everyone,
      schema: {
        tags,
        summary: 'Search UN/LOCODE locations by code prefix or name (accents ignored)',
        querystring: Type.Object(
          {
            q: Type.Optional(Type.String({ maxLength: 100 })),
            country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166 alpha-2 code' })),
            limit: Type.Optional(Limit),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(Locode) },
      },
    },
    (request) => reference.searchLocodes(request.query.q ?? '', request.query.country ?? null, request.query.limit ?? 20),
  );

  app.get(
    '/api/v1/reference/locodes/:code',
    {
      config: everyone,
      schema: {
        tags,
        summary: 'One UN/LOCODE location',
        params: Type.Object({ code: Type.String({ pattern: '^[A-Za-z]{2} ?[A-Za-z0-9]{3}$', description: 'e.g. NLRTM' }) }),
        response: { 200: Locode },
      },
    },
    (request) => reference.getLocode(request.params.code),
  );

  app.get(
    '/api/v1/reference/containers/:number',
    {
      config: everyone,
      schema: {
        tags,
        summary: 'Check an ISO 6346 container number and its check digit; answers 200 with the problem when invalid',
        params: Type.Object({ number: Type.String({ minLength: 1, maxLength: 30, description: 'e.g. CSQU3054383 or "CSQU 305438 3"' }) }),
        response: { 200: ContainerCheck },
      },
    },
    (request) => reference.checkContainer(request.params.number),
  );
}
