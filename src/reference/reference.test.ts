import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-app.ts';
import type { Db } from '../platform/db/db.ts';
import { createReferenceService } from './reference.service.ts';
import { foldText, loadReferenceData, parseLocodeCoordinates, type ReferenceData } from './reference.ts';
import { validateAmountForCurrency, validateCountry, validateCurrency, validateHsCode, validateLocode, validateUnit } from './validators.ts';

describe('reference data', () => {
  let ref: ReferenceData;
  beforeAll(async () => {
    ref = await loadReferenceData();
  });

  it('is loaded once per process', async () => {
    expect(await loadReferenceData()).toBe(ref);
  });

  it('has the HS 2022 nomenclature without the Comtrade artefacts', () => {
    const hs = ref.hs('HS2022');
    expect(hs.edition).toBe('HS2022');
    expect(hs.get('851713')).toEqual({
      code: '851713',
      description: 'Telephone sets; smartphones for cellular or other wireless networks',
      level: 6,
      section: 'XVI',
      parent: '8517',
    });
    expect(hs.get('8517')).toMatchObject({ level: 4, parent: '85' });
    expect(hs.get('85')).toMatchObject({ level: 2, parent: null, section: 'XVI' });
    expect(hs.sectionName('XVI')).toMatch(/^Machinery and mechanical appliances; electrical equipment/);
    expect(hs.sectionName('I')).toBe('Live animals; animal products');
    expect(hs.sectionName('VII')).toBe('Plastics and articles thereof; rubber and articles thereof');
    for (const artefact of ['99', '9999', '999999', 'TOTAL', '']) expect(hs.get(artefact)).toBeUndefined();
    // 010599 is a real subheading: only chapter 99 itself is Comtrade's.
    expect(hs.isSubheading('010599')).toBe(true);
    expect(hs.isSubheading('8517')).toBe(false);
    expect(hs.search('', 200)).toHaveLength(96);
  });

  it('tells the HS 2017 and HS 2022 editions apart', () => {
    const hs2017 = ref.hs('HS2017');
    const hs2022 = ref.hs('HS2022');
    // HS 2022 split "telephones for cellular networks" (851712) into smartphones (851713) and others (851714).
    expect(hs2017.get('851712')?.description).toBe('Telephones for cellular networks or for other wireless networks');
    expect(hs2022.get('851712')).toBeUndefined();
    expect(hs2022.isSubheading('851714')).toBe(true);
    expect(hs2017.get('851713')).toBeUndefined();
    // New headings of 2022: e-waste, unmanned aircraft; 8107 (cadmium) was folded into 8112.
    expect(hs2022.get('8549')?.description).toBe('Electrical and electronic waste and scrap');
    expect(hs2017.get('8549')).toBeUndefined();
    expect(hs2022.get('8806')?.description).toBe('Unmanned aircraft');
    expect(hs2017.get('8107')).toBeDefined();
    expect(hs2022.get('8107')).toBeUndefined();
  });

  it('searches HS codes by prefix in code order', () => {
    const codes = ref.hs('HS2022').search('8517', 10).map((entry) => entry.code);
    expect(codes).toEqual(['8517', '851711', '851713', '851714', '851718', '851761', '851762', '851769', '851771', '851779']);
    expect(ref.hs('HS2022').search('8517.1', 3).map((entry) => entry.code)).toEqual(['851711', '851713', '851714']);
    expect(ref.hs('HS2022').search('0', 3).map((entry) => entry.code)).toEqual(['01', '0101', '010121']);
  });

  it('searches HS descriptions by all their words, subheadings first', () => {
    const found = ref.hs('HS2022').search('Telephones CELLULAR', 10);
    expect(found.map((entry) => entry.code)).toEqual(['851713', '851714', '8517']);
    // "other than pure-bred" has the words too.
    expect(ref.hs('HS2022').search('horses pure-bred', 5).map((entry) => entry.code)).toEqual(['010121', '010129']);
    const aircraft = ref.hs('HS2022').search('aircraft', 100);
    const subheadings = aircraft.filter((entry) => entry.level === 6);
    const others = aircraft.filter((entry) => entry.level !== 6);
    expect(subheadings.length).toBeGreaterThan(0);
    expect(others.map((entry) => entry.code)).toEqual(expect.arrayContaining(['88', '8806']));
    expect(aircraft).toEqual([...subheadings, ...others]);
    for (const group of [subheadings, others]) expect(group.map((e) => e.code)).toEqual(group.map((e) => e.code).sort());
    expect(ref.hs('HS2022').search('zzzznothing', 5)).toEqual([]);
    expect(ref.hs('HS2022').search('of', 7)).toHaveLength(7);
  });

  it('has ISO 3166 countries, Namibia included', () => {
    expect(ref.countries.get('DE')).toEqual({ alpha2: 'DE', alpha3: 'DEU', numeric: '276', name: 'Germany', currencies: ['EUR'] });
    expect(ref.countries.get('NA')).toEqual({ alpha2: 'NA', alpha3: 'NAM', numeric: '516', name: 'Namibia', currencies: ['NAD', 'ZAR'] });
    expect(ref.countries.get('AF')?.numeric).toBe('004');
    expect(ref.countries.get('TR')?.currencies).toEqual(['TRY']);
    expect(ref.countries.get('de')).toBeUndefined();
    expect(ref.countries.list()).toHaveLength(249);
  });

  it('has the current ISO 4217 currencies with their minor units', () => {
    expect(ref.currencies.get('EUR')).toEqual({ code: 'EUR', numeric: '978', name: 'Euro', minorUnit: 2 });
    expect(ref.currencies.get('JPY')?.minorUnit).toBe(0);
    expect(ref.currencies.get('BHD')?.minorUnit).toBe(3);
    expect(ref.currencies.get('ALL')?.numeric).toBe('008');
    expect(ref.currencies.get('XAU')?.minorUnit).toBeNull();
    // Withdrawn: the Croatian kuna (2023) and the Sierra Leonean leone SLL (2023-12).
    expect(ref.currencies.get('HRK')).toBeUndefined();
    expect(ref.currencies.get('SLL')).toBeUndefined();
    expect(ref.currencies.get('SLE')).toBeDefined();
    const codes = ref.currencies.list().map((currency) => currency.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('has UN/LOCODE locations with coordinates in decimal degrees', () => {
    expect(ref.locodes.get('USNYC')).toEqual({
      code: 'USNYC',
      country: 'US',
      name: 'New York',
      subdivision: 'NY',
      functions: '12345---',
      latitude: 40.7,
      longitude: -74,
    });
    expect(ref.locodes.get('NLRTM')).toMatchObject({ name: 'Rotterdam', subdivision: 'ZH', latitude: 51.9167, longitude: 4.5 });
    // Jebel Ali is a port without coordinates in edition 2023-2.
    expect(ref.locodes.get('AEJEA')).toMatchObject({ name: 'Jebel Ali', functions: '1-------', latitude: null, longitude: null });
    expect(ref.locodes.get('MQSHL')?.name).toBe('Schœlcher');
    expect(ref.locodes.get('MAMDT')?.name).toBe('Midelt');
    // Marked for removal in 2023-2.
    expect(ref.locodes.get('CNXNT')).toBeUndefined();
  });

  it('converts UN/LOCODE coordinates', () => {
    expect(parseLocodeCoordinates('4042N 07400W')).toEqual({ latitude: 40.7, longitude: -74 });
    expect(parseLocodeCoordinates('2025S 05743E')).toEqual({ latitude: -20.4167, longitude: 57.7167 });
    for (const bad of ['', '4042N', '4062N 07400W', '4042X 07400W', '9142N 07400W']) expect(parseLocodeCoordinates(bad)).toBeNull();
  });

  it('searches UN/LOCODEs by code and by name, ignoring accents', () => {
    expect(ref.locodes.search('NLRTM', null, 5)[0]?.code).toBe('NLRTM');
    expect(ref.locodes.search('nl rt', null, 20).map((l) => l.code)).toContain('NLRTM');
    expect(ref.locodes.search('rtm', 'NL', 5)[0]?.code).toBe('NLRTM');
    expect(ref.locodes.search('Rotterdam', null, 5)[0]?.code).toBe('NLRTM');
    expect(ref.locodes.search('sao paulo', 'BR', 5)[0]).toMatchObject({ code: 'BRSAO', name: 'São Paulo' });
    expect(ref.locodes.search('São Paulo', null, 1).map((l) => l.code)).toEqual(['BRSAO']);
    // Listed under two names: found by either, once.
    expect(ref.locodes.search('bruxelles', 'BE', 5)[0]?.code).toBe('BEBRU');
    expect(ref.locodes.search('brussel', 'BE', 50).filter((l) => l.code === 'BEBRU')).toHaveLength(1);
    expect(ref.locodes.search('jebel', 'AE', 10).map((l) => l.code)).toContain('AEJEA');
    expect(ref.locodes.search('', 'AD', 100).every((l) => l.country === 'AD')).toBe(true);
    expect(ref.locodes.search('a', null, 7)).toHaveLength(7);
    expect(foldText('  Pointe d’Esny ')).toBe("pointe d'esny");
  });

  it('has the Rec. 20 units used on declarations', () => {
    expect(ref.units.get('KGM')).toEqual({ code: 'KGM', name: 'kilogram' });
    expect(ref.units.get('H87')?.name).toBe('piece');
    expect(ref.units.get('C62')?.name).toBe('one');
    expect(ref.units.get('CT')).toBeUndefined();
    expect(ref.units.list().length).toBeGreaterThanOrEqual(20);
  });

  it('validates codes against the reference data', () => {
    expect(validateHsCode(ref, 'HS2022', '851713')).toBeNull();
    expect(validateHsCode(ref, 'HS2022', '851712')).toBe('851712 is not a subheading of HS2022');
    expect(validateHsCode(ref, 'HS2017', '851712')).toBeNull();
    expect(validateHsCode(ref, 'HS2022', '8517')).toMatch(/6-digit/);
    expect(validateCountry(ref, 'NA')).toBeNull();
    expect(validateCountry(ref, 'XK')).toBe('XK is not an ISO 3166 country code');
    expect(validateCountry(ref, 'de')).toMatch(/alpha-2/);
    expect(validateCurrency(ref, 'EUR')).toBeNull();
    expect(validateCurrency(ref, 'HRK')).toBe('HRK is not a current ISO 4217 currency code');
    expect(validateUnit(ref, 'KGM')).toBeNull();
    expect(validateUnit(ref, 'XYZ')).toMatch(/not a known/);
    expect(validateLocode(ref, 'NLRTM')).toBeNull();
    expect(validateLocode(ref, 'NLZZZ')).toBe('NLZZZ is not a UN/LOCODE');
    expect(validateLocode(ref, 'nlrtm')).toMatch(/must be/);
    expect(validateAmountForCurrency(ref, 'EUR', '10.50')).toBeNull();
    expect(validateAmountForCurrency(ref, 'EUR', '10.505')).toBe('has more decimal places than EUR allows (2)');
    expect(validateAmountForCurrency(ref, 'JPY', '100.5')).toBe('has more decimal places than JPY allows (0)');
    expect(validateAmountForCurrency(ref, 'JPY', '100')).toBeNull();
  });
});

describe('the HS edition in force', () => {
  const administrationWith = (rows: Record<string, unknown>[]): Db => ({ query: () => Promise.resolve(rows) }) as unknown as Db;

  it('is the administration’s, or HS 2022 when there is none or it is unknown', async () => {
    const reference = await loadReferenceData();
    const in2017 = createReferenceService({ db: administrationWith([{ hs_edition: 'HS2017' }]), reference });
    expect((await in2017.getHs('851712')).edition).toBe('HS2017');
    expect((await in2017.searchHs('telephones cellular', 10)).items.map((e) => e.code)).toEqual(['851712', '8517']);
    await expect(in2017.getHs('851712', 'HS2022')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    for (const rows of [[], [{ hs_edition: 'HS1996' }]]) {
      const service = createReferenceService({ db: administrationWith(rows), reference });
      expect((await service.getHs('851713')).edition).toBe('HS2022');
    }
  });
});

describe('reference routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('refuses a request without a token', async () => {
    for (const url of ['/api/v1/reference/hs?q=8517', '/api/v1/reference/countries', '/api/v1/reference/containers/CSQU3054383']) {
      const response = await t.anonymous.get(url);
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('searches HS codes by prefix and by words in the edition in force', async () => {
    const byPrefix = await t.admin.get('/api/v1/reference/hs?q=8517&limit=3');
    expect(byPrefix.status).toBe(200);
    expect(byPrefix.body).toEqual({
      items: [
        expect.objectContaining({ code: '8517', level: 4 }),
        expect.objectContaining({ code: '851711', level: 6, parent: '8517' }),
        expect.objectContaining({ code: '851713' }),
      ],
      nextCursor: null,
    });
    const byWords = await t.admin.get('/api/v1/reference/hs?q=telephones%20cellular');
    expect(byWords.body.items.map((e: { code: string }) => e.code)).toEqual(['851713', '851714', '8517']);
    const in2017 = await t.admin.get('/api/v1/reference/hs?q=telephones%20cellular&edition=HS2017');
    expect(in2017.body.items.map((e: { code: string }) => e.code)).toEqual(['851712', '8517']);
  });

  it('uses HS 2022 until the administration chooses an edition', async () => {
    expect((await t.admin.get('/api/v1/reference/hs/851713')).body.edition).toBe('HS2022');
    expect((await t.admin.get('/api/v1/reference/hs/851712')).status).toBe(404);
    expect((await t.admin.get('/api/v1/reference/hs/851712?edition=HS2017')).body.edition).toBe('HS2017');
  });

  it('gives an HS code with its section and ancestors, and 404 for an unknown one', async () => {
    const detail = await t.admin.get('/api/v1/reference/hs/851713');
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      edition: 'HS2022',
      code: '851713',
      level: 6,
      section: 'XVI',
      parent: '8517',
      sectionName: expect.stringMatching(/^Machinery/),
    });
    expect(detail.body.ancestors.map((e: { code: string }) => e.code)).toEqual(['85', '8517']);
    expect((await t.admin.get('/api/v1/reference/hs/8517.13')).body.code).toBe('851713');
    expect((await t.admin.get('/api/v1/reference/hs/85')).body.ancestors).toEqual([]);

    const unknown = await t.admin.get('/api/v1/reference/hs/999999');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    expect((await t.admin.get('/api/v1/reference/hs/851')).status).toBe(400);
  });

  it('bounds the query parameters', async () => {
    expect((await t.admin.get('/api/v1/reference/hs?q=8517&limit=101')).status).toBe(400);
    expect((await t.admin.get(`/api/v1/reference/hs?q=${'a'.repeat(101)}`)).status).toBe(400);
    expect((await t.admin.get('/api/v1/reference/hs?edition=HS2012')).status).toBe(400);
    expect((await t.admin.get('/api/v1/reference/locodes?country=NLD')).status).toBe(400);
    expect((await t.admin.get(`/api/v1/reference/containers/${'A'.repeat(31)}`)).status).toBe(400);
  });

  it('lists countries, currencies and units', async () => {
    const countries = await t.admin.get('/api/v1/reference/countries');
    expect(countries.status).toBe(200);
    expect(countries.body.nextCursor).toBeNull();
    expect(countries.body.items).toContainEqual({ alpha2: 'NA', alpha3: 'NAM', numeric: '516', name: 'Namibia', currencies: ['NAD', 'ZAR'] });
    const currencies = await t.admin.get('/api/v1/reference/currencies');
    expect(currencies.body.items).toContainEqual({ code: 'JPY', numeric: '392', name: 'Yen', minorUnit: 0 });
    const units = await t.admin.get('/api/v1/reference/units');
    expect(units.body.items).toContainEqual({ code: 'KGM', name: 'kilogram' });
  });

  it('searches and gives UN/LOCODEs', async () => {
    const found = await t.admin.get('/api/v1/reference/locodes?q=rotterdam&country=nl&limit=3');
    expect(found.status).toBe(200);
    expect(found.body.items[0]).toMatchObject({ code: 'NLRTM', name: 'Rotterdam' });
    const one = await t.admin.get('/api/v1/reference/locodes/usnyc');
    expect(one.body).toMatchObject({ code: 'USNYC', latitude: 40.7, longitude: -74 });
    expect((await t.admin.get('/api/v1/reference/locodes/NLZZZ')).status).toBe(404);
  });

  it('checks container numbers as people type them', async () => {
    expect((await t.admin.get('/api/v1/reference/containers/csqu%20305438%203')).body).toEqual({
      number: 'CSQU3054383',
      valid: true,
      problem: null,
    });
    expect((await t.admin.get('/api/v1/reference/containers/GYOU4047990')).body.valid).toBe(true);
    const wrong = await t.admin.get('/api/v1/reference/containers/MSKU1100810');
    expect(wrong.status).toBe(200);
    expect(wrong.body).toEqual({ number: 'MSKU1100810', valid: false, problem: 'check digit should be 7' });
    expect((await t.admin.get('/api/v1/reference/containers/CSQU30')).body.problem).toBe('must be 4 letters followed by 7 digits');
  });

  it('documents every reference route in OpenAPI under the reference tag', async () => {
    const doc = await t.anonymous.get('/openapi.json');
    for (const path of ['/api/v1/reference/hs', '/api/v1/reference/hs/{code}', '/api/v1/reference/locodes/{code}', '/api/v1/reference/containers/{number}']) {
      expect(doc.body.paths[path].get.tags).toEqual(['reference']);
      expect(doc.body.paths[path].get.security).toEqual([{ bearer: [] }]);
    }
  });
});
