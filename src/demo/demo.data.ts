// What the demo administration is made of: a US customs administration at the Port of New York
// and New Jersey, two foreign-trade zones drawn where they are, fictitious enterprises with their
// catalogues, the staff and traders who use Cordon, and the shipping vocabulary (carriers, ports,
// vessels) that makes generated declarations look like real ones. Names of enterprises, people and
// vessels are invented; codes (HS, UN/LOCODE, ISO 3166, Rec. 20 units, container owner prefixes)
// are real.
import type { AdministrationInput, GateInput } from '../registry/registry.service.ts';
import type { EnterpriseRole } from '../registry/registry.schemas.ts';
import type { Role } from '../platform/auth/principal.ts';
import type { AeoStatus, DeclarationType } from '../declarations/selectivity.schema.ts';
import type { RuleInput } from '../risk/risk.schemas.ts';

/** Seeds the demo's random draws: the same demo on every fresh start. */
export const DEMO_SEED = 0x0c0_4d0e;

/** The zones' local time: working hours, gate hours and shift patterns follow it. */
export const DEMO_TIME_ZONE = 'America/New_York';

/** Declarations generated for the past DEMO_DAYS days. */
export const DEMO_DECLARATIONS = 300;
export const DEMO_DAYS = 30;

/** A declaration that lists a phone or computer line and is worth at least this much goes RED. */
export const HIGH_VALUE_ELECTRONICS = '250000';

/** Origins whose apparel gets a valuation check (YELLOW). */
export const FLAGGED_APPAREL_ORIGINS: readonly string[] = ['BD', 'KH', 'PK', 'VN'];

export const DEMO_ADMINISTRATION: AdministrationInput = {
  name: 'Demo Customs Administration — Port of New York and New Jersey',
  country: 'US',
  currency: 'USD',
  hsEdition: 'HS2022',
  // The United States has no VAT; duties come from the tariff schedule.
  vatRate: '0',
  statusModel: 'US_FTZ',
  selectivity: {
    randomRedShare: '0.01',
    randomYellowShare: '0.03',
    autoReleaseGreen: true,
    rules: [
      {
        name: 'Arms and ammunition',
        lane: 'RED',
        reason: 'Restricted goods (HS chapter 93): examination and import permit check',
        hsPrefixes: ['93'],
      },
      {
        name: 'High-value phones and computers',
        lane: 'RED',
        reason: 'Counterfeit and IPR risk on high-value consignments of phones and computers',
        hsPrefixes: ['8517', '8471'],
        minTotalValue: HIGH_VALUE_ELECTRONICS,
      },
      {
        name: 'Apparel valuation',
        lane: 'YELLOW',
        reason: 'Undervaluation risk on apparel from selected origins: check invoice and proof of payment',
        hsPrefixes: ['61', '62'],
        originCountries: [...FLAGGED_APPAREL_ORIGINS],
      },
      {
        name: 'Domestic release without AEO status',
        lane: 'YELLOW',
        reason: 'Entry for consumption by an enterprise without AEO (CTPAT) status: document check',
        declarationTypes: ['DOMESTIC_RELEASE'],
        aeoStatuses: ['NONE'],
      },
      {
        name: 'Alcoholic beverages for consumption',
        lane: 'YELLOW',
        reason: 'Excise goods: check of the importer permit and labels before entry for consumption',
        declarationTypes: ['DOMESTIC_RELEASE'],
        hsPrefixes: ['2203', '2204', '2205', '2206', '2208'],
      },
    ],
  },
};

// --- zones -----------------------------------------------------------------------------------------

export type ZoneCode = 'FTZ49' | 'FTZ1';

export interface DemoZone {
  code: ZoneCode;
  name: string;
  locode: string;
  territorialPattern: number;
  /** Exterior ring, counter-clockwise, [longitude, latitude], closed. */
  ring: Array<[number, number]>;
  gates: GateInput[];
}

export const DEMO_ZONES: readonly DemoZone[] = [
  {
    code: 'FTZ49',
    name: 'Foreign-Trade Zone No. 49 — Port Newark–Elizabeth Marine Terminal',
    locode: 'USEWR',
    // Pattern 3, an area within a port: the zone is the fenced terminal on Newark Bay, and goods
    // enter it straight from the berths.
    territorialPattern: 3,
    // Approximate outline of the terminal: the New Jersey Turnpike side to the west, Newark Bay
    // with the Port Newark and Elizabeth channels to the east.
    ring: [
      [-74.159, 40.704],
      [-74.1615, 40.6905],
      [-74.1665, 40.676],
      [-74.1705, 40.659],
      [-74.156, 40.6555],
      [-74.1425, 40.6635],
      [-74.1385, 40.676],
      [-74.135, 40.6885],
      [-74.137, 40.702],
      [-74.159, 40.704],
    ],
    gates: [
      { code: 'G1', name: 'Port Newark in-gate, Corbin Street', kind: 'ROAD', direction: 'IN', latitude: 40.6972, longitude: -74.1602 },
      { code: 'G2', name: 'Elizabeth out-gate, McLester Street', kind: 'ROAD', direction: 'OUT', latitude: 40.6675, longitude: -74.1685 },
      { code: 'Q1', name: 'Container berths, Port Newark and Elizabeth channels', kind: 'QUAY', direction: 'BOTH', latitude: 40.6822, longitude: -74.1367 },
    ],
  },
  {
    code: 'FTZ1',
    name: 'Foreign-Trade Zone No. 1 — South Brooklyn Marine Terminal',
    locode: 'USNYC',
    // Pattern 3 as well: the zone site is the marine terminal between 29th and 39th Streets.
    territorialPattern: 3,
    // Approximate outline: Second Avenue on the land side, the 29th Street and 35th Street piers
    // (with the slip between them) on Upper New York Bay.
    ring: [
      [-74.01075, 40.6535],
      [-74.00491, 40.65918],
      [-74.01145, 40.66306],
      [-74.0124, 40.66214],
      [-74.00979, 40.66058],
      [-74.01103, 40.65938],
      [-74.01421, 40.66126],
      [-74.01786, 40.65771],
      [-74.01075, 40.6535],
    ],
    gates: [
      { code: 'G1', name: '39th Street gate, Second Avenue', kind: 'ROAD', direction: 'IN', latitude: 40.6541, longitude: -74.0101 },
      { code: 'G2', name: '29th Street gate, Second Avenue', kind: 'ROAD', direction: 'OUT', latitude: 40.6588, longitude: -74.0053 },
      { code: 'Q1', name: '35th Street pier berth', kind: 'QUAY', direction: 'BOTH', latitude: 40.6595, longitude: -74.016 },
    ],
  },
];

// --- enterprises and their catalogues --------------------------------------------------------------

export interface ItemProfile {
  partNumber: string;
  hsCode: string;
  description: string;
  /** UN/ECE Recommendation 20 unit of the quantity. */
  unit: string;
  /** Customs value of one unit, in US cents, lowest and highest. */
  unitCents: readonly [number, number];
  /** Net mass of one unit in kilograms. */
  netKg: number;
  /** Gross mass over net mass (packing). */
  packing: number;
  /** Quantity on one line, lowest and highest. */
  quantity: readonly [number, number];
  /** Origins the goods come from; 'US' marks domestic goods. */
  origins: readonly string[];
  /**
   * National tariff line (8 or 10 digits of the US HTS) the goods are entered under when released
   * for consumption; goods without one are never released by the demo.
   */
  tariffCode?: string;
  /**
   * input: consumed by processing; output: made in the zone; byproduct: waste or scrap of
   * processing, never admitted; domestic: US goods admitted in domestic status; restricted:
   * declared only on purpose (arms); phones: may be sent in bulk; apparel, wine: what selectivity
   * looks at; waste: may be spoiled or damaged and destroyed; air: may fly in.
   */
  tags?: readonly string[];
}

export interface DemoEnterprise {
  key: string;
  /** Employer Identification Number style; the IRS never issues the prefix 00, so none is real. */
  identifier: string;
  name: string;
  roles: EnterpriseRole[];
  zones: ZoneCode[];
  aeoStatus: AeoStatus;
  licenceNumber: string;
  /** Licence validity relative to the day the demo is loaded, in days. */
  licenceFromDays: number;
  licenceToDays: number;
  /** Share of the traffic declared by this enterprise. */
  weight: number;
  types: ReadonlyArray<readonly [DeclarationType, number]>;
  exportTo: readonly string[];
  /** The enterprise's user. */
  user: { username: string; displayName: string };
  items: readonly ItemProfile[];
}

export const DEMO_ENTERPRISES: readonly DemoEnterprise[] = [
  {
    key: 'harborpoint',
    identifier: '00-4917201',
    name: 'Harbor Point Logistics LLC',
    roles: ['WAREHOUSE', 'LOGISTICS', 'CARRIER'],
    zones: ['FTZ49', 'FTZ1'],
    aeoStatus: 'AEO_C',
    licenceNumber: 'FTZ49-OP-2016-007',
    licenceFromDays: -3100,
    licenceToDays: 640,
    weight: 24,
    types: [['ADMISSION', 46], ['EXPORT', 15], ['DOMESTIC_RELEASE', 22], ['TRANSFER', 13], ['DESTRUCTION', 4]],
    exportTo: ['CA', 'DO', 'JM', 'CO', 'GB'],
    user: { username: 'trader.harborpoint', displayName: 'Kevin Marsh (Harbor Point Logistics)' },
    items: [
      { partNumber: 'HPL-SOFA-3S', hsCode: '940161', tariffCode: '9401616011', description: 'Upholstered three-seat sofas with wooden frames', unit: 'H87', unitCents: [18_000, 42_000], netKg: 38, packing: 1.25, quantity: [40, 160], origins: ['VN', 'CN', 'MY'] },
      { partNumber: 'HPL-TABLE-OAK', hsCode: '940360', tariffCode: '9403608040', description: 'Solid oak dining tables', unit: 'H87', unitCents: [9_000, 21_000], netKg: 32, packing: 1.2, quantity: [50, 200], origins: ['VN', 'MY', 'ID'] },
      { partNumber: 'HPL-TILE-6060', hsCode: '690722', tariffCode: '6907229051', description: 'Porcelain floor tiles 60 x 60 cm', unit: 'MTK', unitCents: [750, 1_400], netKg: 21, packing: 1.08, quantity: [800, 2400], origins: ['ES', 'IT', 'IN'] },
      { partNumber: 'HPL-STEEL-GI', hsCode: '721049', tariffCode: '7210490091', description: 'Hot-dip galvanized steel coils, 0.8 mm', unit: 'KGM', unitCents: [85, 120], netKg: 1, packing: 1.005, quantity: [18_000, 54_000], origins: ['KR', 'TW', 'JP'] },
      { partNumber: 'HPL-LINEN-Q', hsCode: '630231', tariffCode: '6302319050', description: 'Cotton bed linen sets, queen size', unit: 'H87', unitCents: [600, 1_500], netKg: 1.1, packing: 1.15, quantity: [2_000, 8_000], origins: ['IN', 'PK', 'TR'] },
      { partNumber: 'HPL-TOY-RIDE', hsCode: '950300', tariffCode: '95030000', description: 'Ride-on toys and scooters for children', unit: 'H87', unitCents: [900, 3_200], netKg: 2.4, packing: 1.3, quantity: [800, 4_000], origins: ['CN', 'VN'], tags: ['waste'] },
      { partNumber: 'HPL-BOX-PP', hsCode: '392690', tariffCode: '3926909989', description: 'Polypropylene storage boxes', unit: 'KGM', unitCents: [250, 450], netKg: 1, packing: 1.1, quantity: [3_000, 12_000], origins: ['CN', 'TH'] },
    ],
  },
  {
    key: 'meridian',
    identifier: '00-6183045',
    name: 'Meridian Devices Assembly Inc.',
    roles: ['MANUFACTURER'],
    zones: ['FTZ49'],
    aeoStatus: 'AEO_F',
    licenceNumber: 'FTZ49-SZ-2019-002',
    licenceFromDays: -2200,
    licenceToDays: 900,
    weight: 20,
    types: [['ADMISSION', 40], ['PROCESSING', 22], ['EXPORT', 16], ['DOMESTIC_RELEASE', 10], ['DOMESTIC_ADMISSION', 6], ['TRANSFER', 5], ['DESTRUCTION', 3]],
    exportTo: ['CA', 'MX', 'BR', 'GB', 'DE'],
    user: { username: 'trader.meridian', displayName: 'Anita Kowalski (Meridian Devices)' },
    items: [
      { partNumber: 'MDA-SOC-A78', hsCode: '854231', tariffCode: '8542310070', description: 'Application processors (SoC), BGA package', unit: 'H87', unitCents: [1_800, 4_200], netKg: 0.004, packing: 3, quantity: [2_000, 10_000], origins: ['TW', 'KR'], tags: ['input', 'air'] },
      { partNumber: 'MDA-PCB-12L', hsCode: '853400', tariffCode: '8534000020', description: 'Printed circuit boards, 12-layer, unpopulated', unit: 'H87', unitCents: [400, 900], netKg: 0.06, packing: 1.3, quantity: [5_000, 20_000], origins: ['TW', 'CN'], tags: ['input'] },
      { partNumber: 'MDA-BAT-5000', hsCode: '850760', tariffCode: '8507600020', description: 'Lithium-ion battery packs, 5000 mAh', unit: 'H87', unitCents: [600, 1_100], netKg: 0.085, packing: 1.4, quantity: [5_000, 20_000], origins: ['CN', 'KR'], tags: ['input'] },
      { partNumber: 'MDA-LCD-101', hsCode: '852411', tariffCode: '8524111000', description: '10.1-inch LCD display modules with touch panel', unit: 'H87', unitCents: [1_900, 3_600], netKg: 0.32, packing: 1.35, quantity: [2_000, 12_000], origins: ['CN', 'KR', 'TW'], tags: ['input'] },
      { partNumber: 'MDA-HSG-AL', hsCode: '847330', tariffCode: '8473305100', description: 'Machined aluminium housings for rugged tablets', unit: 'H87', unitCents: [1_100, 1_900], netKg: 0.28, packing: 1.25, quantity: [2_000, 10_000], origins: ['US'], tags: ['input', 'domestic'] },
      { partNumber: 'MDA-TAB-R10', hsCode: '847130', tariffCode: '8471300100', description: 'Rugged 10-inch tablet computers', unit: 'H87', unitCents: [38_000, 62_000], netKg: 0.9, packing: 1.6, quantity: [150, 400], origins: ['US'], tags: ['output'] },
      // Produced only: what the tablet line rejects, kept apart from the inputs and destroyed under supervision.
      { partNumber: 'MDA-EW-REJ', hsCode: '854991', tariffCode: '8549910000', description: 'Rejected circuit boards and battery packs from the tablet line (e-waste)', unit: 'H87', unitCents: [50, 150], netKg: 0.08, packing: 1.5, quantity: [10, 60], origins: ['US'], tags: ['byproduct', 'waste'] },
      { partNumber: 'MDA-PHN-X5', hsCode: '851713', tariffCode: '8517130000', description: 'Smartphones, 6.5-inch, 5G', unit: 'H87', unitCents: [16_000, 24_000], netKg: 0.21, packing: 1.8, quantity: [200, 600], origins: ['CN', 'VN', 'IN'], tags: ['phones'] },
    ],
  },
  {
    key: 'bayridge',
    identifier: '00-2750318',
    name: 'Bay Ridge Apparel Imports LLC',
    roles: ['TRADER'],
    zones: ['FTZ1'],
    aeoStatus: 'NONE',
    licenceNumber: 'FTZ1-US-2021-011',
    licenceFromDays: -1500,
    licenceToDays: 400,
    weight: 10,
    types: [['ADMISSION', 60], ['DOMESTIC_RELEASE', 22], ['EXPORT', 12], ['DESTRUCTION', 2]],
    exportTo: ['CA', 'MX'],
    user: { username: 'trader.bayridge', displayName: 'Sofia Marin (Bay Ridge Apparel)' },
    items: [
      { partNumber: 'BRA-TEE-CTN', hsCode: '610910', tariffCode: '6109100012', description: "Men's cotton T-shirts, knitted", unit: 'H87', unitCents: [180, 420], netKg: 0.18, packing: 1.1, quantity: [5_000, 24_000], origins: ['BD', 'KH', 'IN', 'CN'], tags: ['apparel'] },
      { partNumber: 'BRA-JEAN-MEN', hsCode: '620342', tariffCode: '6203424511', description: "Men's cotton denim trousers", unit: 'H87', unitCents: [600, 1_300], netKg: 0.6, packing: 1.1, quantity: [2_000, 9_000], origins: ['BD', 'PK', 'MX', 'TR'], tags: ['apparel'] },
      { partNumber: 'BRA-TRS-WMN', hsCode: '620462', tariffCode: '62046280', description: "Women's cotton trousers", unit: 'H87', unitCents: [500, 1_200], netKg: 0.5, packing: 1.1, quantity: [2_000, 9_000], origins: ['BD', 'KH', 'CN'], tags: ['apparel'] },
      { partNumber: 'BRA-SWT-CTN', hsCode: '611020', tariffCode: '6110202020', description: 'Cotton pullovers and cardigans', unit: 'H87', unitCents: [500, 1_100], netKg: 0.45, packing: 1.1, quantity: [2_000, 10_000], origins: ['CN', 'VN', 'TR'], tags: ['apparel'] },
      { partNumber: 'BRA-SHOE-RUN', hsCode: '640411', tariffCode: '6404118930', description: 'Running shoes with textile uppers', unit: 'PR', unitCents: [700, 1_200], netKg: 0.7, packing: 1.35, quantity: [1_500, 6_000], origins: ['VN', 'ID', 'CN'] },
      { partNumber: 'BRA-BAG-TOTE', hsCode: '420222', tariffCode: '4202228100', description: 'Tote handbags with textile outer surface', unit: 'H87', unitCents: [300, 900], netKg: 0.35, packing: 1.2, quantity: [2_000, 8_000], origins: ['CN', 'VN', 'IN'], tags: ['waste'] },
    ],
  },
  {
    key: 'atlantic',
    identifier: '00-3391876',
    name: 'Atlantic Cold Chain Foods LLC',
    roles: ['WAREHOUSE', 'TRADER'],
    zones: ['FTZ49', 'FTZ1'],
    aeoStatus: 'AEO_S',
    licenceNumber: 'FTZ1-OP-2018-004',
    licenceFromDays: -2600,
    licenceToDays: 520,
    weight: 16,
    types: [['ADMISSION', 45], ['DOMESTIC_RELEASE', 20], ['EXPORT', 14], ['TRANSFER', 8], ['DOMESTIC_ADMISSION', 7], ['DESTRUCTION', 6]],
    exportTo: ['BS', 'JM', 'DO', 'TT', 'BB'],
    user: { username: 'trader.atlantic', displayName: 'Marcus Bell (Atlantic Cold Chain)' },
    items: [
      { partNumber: 'ACF-SHRIMP-2630', hsCode: '030617', tariffCode: '0306170008', description: 'Frozen white shrimp, 26/30 count, 2 kg blocks', unit: 'KGM', unitCents: [650, 1_100], netKg: 1, packing: 1.12, quantity: [8_000, 22_000], origins: ['IN', 'EC', 'VN', 'ID'], tags: ['waste'] },
      { partNumber: 'ACF-TUNA-CAN', hsCode: '160414', tariffCode: '16041410', description: 'Canned skipjack tuna in oil', unit: 'KGM', unitCents: [300, 500], netKg: 1, packing: 1.15, quantity: [10_000, 20_000], origins: ['TH', 'EC', 'PH'] },
      { partNumber: 'ACF-COFFEE-RST', hsCode: '090121', tariffCode: '0901210045', description: 'Roasted coffee beans, 1 kg bags', unit: 'KGM', unitCents: [700, 1_200], netKg: 1, packing: 1.05, quantity: [5_000, 15_000], origins: ['BR', 'CO', 'IT'] },
      { partNumber: 'ACF-WINE-RED', hsCode: '220421', tariffCode: '2204215005', description: 'Red wine in 750 ml bottles', unit: 'LTR', unitCents: [350, 1_200], netKg: 1, packing: 1.55, quantity: [6_000, 18_000], origins: ['IT', 'ES', 'FR', 'CL'], tags: ['wine'] },
      { partNumber: 'ACF-OJ-FCOJ', hsCode: '200911', tariffCode: '2009110060', description: 'Frozen concentrated orange juice, drums', unit: 'LTR', unitCents: [120, 240], netKg: 1.3, packing: 1.06, quantity: [12_000, 16_000], origins: ['BR', 'MX', 'US'], tags: ['domestic'] },
      { partNumber: 'ACF-BANANA', hsCode: '080390', tariffCode: '0803900035', description: 'Fresh Cavendish bananas, 18 kg cartons', unit: 'KGM', unitCents: [55, 90], netKg: 1, packing: 1.08, quantity: [18_000, 21_000], origins: ['EC', 'GT', 'CR', 'CO'], tags: ['waste'] },
    ],
  },
  {
    key: 'liberty',
    identifier: '00-5528419',
    name: 'Liberty Auto Parts Distribution Inc.',
    roles: ['TRADER', 'WAREHOUSE'],
    zones: ['FTZ49'],
    aeoStatus: 'AEO_C',
    licenceNumber: 'FTZ49-US-2020-019',
    licenceFromDays: -1900,
    licenceToDays: 700,
    weight: 13,
    types: [['ADMISSION', 45], ['DOMESTIC_RELEASE', 25], ['EXPORT', 14], ['DOMESTIC_ADMISSION', 12], ['DESTRUCTION', 3]],
    exportTo: ['MX', 'BR', 'CO', 'CL', 'CA'],
    user: { username: 'trader.liberty', displayName: 'Daniel Reyes (Liberty Auto Parts)' },
    items: [
      { partNumber: 'LAP-BRK-KIT', hsCode: '870830', tariffCode: '8708305090', description: 'Brake pad and rotor kits for passenger cars', unit: 'H87', unitCents: [800, 2_500], netKg: 2.4, packing: 1.15, quantity: [2_000, 8_000], origins: ['CN', 'MX', 'KR'] },
      { partNumber: 'LAP-TYRE-205', hsCode: '401110', tariffCode: '4011101040', description: 'Passenger car tyres 205/55 R16', unit: 'H87', unitCents: [3_800, 7_000], netKg: 8.5, packing: 1.02, quantity: [400, 1_800], origins: ['KR', 'TH', 'CN', 'JP'] },
      { partNumber: 'LAP-SPARK-IR', hsCode: '851110', tariffCode: '8511100000', description: 'Iridium spark plugs', unit: 'H87', unitCents: [250, 600], netKg: 0.06, packing: 1.5, quantity: [10_000, 40_000], origins: ['JP', 'MX', 'US'], tags: ['domestic'] },
      { partNumber: 'LAP-BUMPER-F', hsCode: '870810', tariffCode: '8708103040', description: 'Front bumper covers, primed', unit: 'H87', unitCents: [4_500, 12_000], netKg: 4.5, packing: 1.6, quantity: [200, 900], origins: ['CN', 'TW'], tags: ['waste'] },
      { partNumber: 'LAP-PISTON-SET', hsCode: '840991', tariffCode: '8409915085', description: 'Piston sets for spark-ignition engines', unit: 'H87', unitCents: [2_000, 14_000], netKg: 3.2, packing: 1.2, quantity: [500, 3_000], origins: ['DE', 'MX', 'US'], tags: ['domestic'] },
      { partNumber: 'LAP-TYRE-TRK', hsCode: '401120', tariffCode: '4011201025', description: 'Truck tyres 295/75 R22.5', unit: 'H87', unitCents: [16_000, 32_000], netKg: 55, packing: 1.01, quantity: [100, 400], origins: ['TH', 'CN', 'VN'] },
    ],
  },
  {
    key: 'palisades',
    identifier: '00-8840262',
    name: 'Palisades Outdoor Supply Co.',
    roles: ['TRADER'],
    zones: ['FTZ49'],
    aeoStatus: 'NONE',
    licenceNumber: 'FTZ49-US-2022-031',
    licenceFromDays: -900,
    // The licence runs out soon: the console should show it.
    licenceToDays: 18,
    weight: 5,
    types: [['ADMISSION', 60], ['DOMESTIC_RELEASE', 25], ['EXPORT', 12], ['DESTRUCTION', 2]],
    exportTo: ['CA', 'MX'],
    user: { username: 'trader.palisades', displayName: 'Ryan Doyle (Palisades Outdoor)' },
    items: [
      { partNumber: 'POS-SG-12OU', hsCode: '930320', tariffCode: '9303200040', description: 'Over-and-under shotguns, 12 gauge', unit: 'H87', unitCents: [45_000, 140_000], netKg: 3.4, packing: 1.5, quantity: [20, 120], origins: ['IT', 'TR'], tags: ['restricted'] },
      // No tariff line: the rate of 9303.30 depends on the telescopic sight and is assessed by hand.
      { partNumber: 'POS-RF-308B', hsCode: '930330', description: 'Bolt-action hunting rifles, .308', unit: 'H87', unitCents: [50_000, 150_000], netKg: 3.8, packing: 1.5, quantity: [20, 100], origins: ['CZ', 'DE', 'AT'], tags: ['restricted'] },
      { partNumber: 'POS-CART-12', hsCode: '930621', tariffCode: '9306210000', description: 'Shotgun cartridges, 12 gauge, 25-round boxes', unit: 'KGM', unitCents: [900, 1_600], netKg: 1, packing: 1.12, quantity: [500, 3_000], origins: ['IT', 'CZ'], tags: ['restricted'] },
      { partNumber: 'POS-RACK-PWR', hsCode: '950691', tariffCode: '9506910030', description: 'Home gym power racks', unit: 'H87', unitCents: [12_000, 26_000], netKg: 60, packing: 1.08, quantity: [50, 250], origins: ['CN', 'TW'] },
      { partNumber: 'POS-BOOT-HKR', hsCode: '640299', tariffCode: '6402999035', description: 'Hiking boots, rubber soles and plastic uppers', unit: 'PR', unitCents: [1_300, 2_400], netKg: 1.3, packing: 1.3, quantity: [1_000, 4_000], origins: ['VN', 'CN', 'ID'] },
      { partNumber: 'POS-TENT-4P', hsCode: '630622', tariffCode: '6306229030', description: 'Four-person tents of synthetic fibres', unit: 'H87', unitCents: [3_000, 9_000], netKg: 3, packing: 1.2, quantity: [300, 1_500], origins: ['CN', 'VN'], tags: ['waste'] },
    ],
  },
  {
    key: 'killvankull',
    identifier: '00-1460937',
    name: 'Kill Van Kull Customs Brokerage Inc.',
    roles: ['BROKER'],
    zones: ['FTZ49', 'FTZ1'],
    aeoStatus: 'NONE',
    licenceNumber: 'FTZ1-BR-2017-003',
    licenceFromDays: -2900,
    licenceToDays: 300,
    weight: 7,
    types: [['ADMISSION', 58], ['DOMESTIC_RELEASE', 20], ['TRANSFER', 12], ['EXPORT', 10]],
    exportTo: ['CA', 'GB'],
    user: { username: 'trader.killvankull', displayName: 'Helen Park (Kill Van Kull Brokerage)' },
    items: [
      { partNumber: 'KVK-COSM-SKIN', hsCode: '330499', tariffCode: '3304995000', description: 'Skin-care creams and serums', unit: 'KGM', unitCents: [800, 2_000], netKg: 1, packing: 1.4, quantity: [500, 3_000], origins: ['KR', 'FR', 'JP'] },
      { partNumber: 'KVK-JWL-14K', hsCode: '711319', tariffCode: '71131950', description: 'Gold jewellery, 14 karat', unit: 'H87', unitCents: [9_000, 40_000], netKg: 0.006, packing: 20, quantity: [100, 800], origins: ['IT', 'IN', 'TR'], tags: ['air'] },
      { partNumber: 'KVK-SSD-PORT', hsCode: '852351', tariffCode: '8523510000', description: 'Portable solid-state drives, 1 TB', unit: 'H87', unitCents: [2_500, 8_000], netKg: 0.06, packing: 1.6, quantity: [1_000, 5_000], origins: ['CN', 'TW'], tags: ['air'] },
      { partNumber: 'KVK-BOOK-ART', hsCode: '490199', tariffCode: '4901990070', description: 'Printed art books, hardcover', unit: 'H87', unitCents: [400, 1_500], netKg: 1.1, packing: 1.1, quantity: [1_000, 6_000], origins: ['IT', 'CN', 'GB'] },
      { partNumber: 'KVK-OTC-ANLG', hsCode: '300490', tariffCode: '3004909233', description: 'Packaged non-prescription analgesic tablets', unit: 'KGM', unitCents: [1_500, 3_000], netKg: 1, packing: 1.3, quantity: [300, 1_500], origins: ['IN', 'DE'] },
    ],
  },
];

// --- bills of materials ---------------------------------------------------------------------------

export interface DemoBomInput {
  partNumber: string;
  quantityPerOutput: string;
  scrapShare?: string;
  /** Where the scrap is booked (an item of the same unit). */
  scrapItem?: string;
}

export interface DemoBom {
  /** DemoEnterprise.key of the manufacturer. */
  enterprise: string;
  output: string;
  yield: string;
  /**
   * Good outputs of a whole number of starts: runs are made of whole batches, so that the inputs
   * and scrap a run should take come out as whole pieces and can be declared exactly.
   */
  batch: number;
  note: string;
  inputs: readonly DemoBomInput[];
  /** The input that breaks on the line when a run goes wrong, and the item its pieces are booked as (waste). */
  fragile: string;
  wasteItem: string;
}

export const DEMO_BOMS: readonly DemoBom[] = [
  {
    enterprise: 'meridian',
    output: 'MDA-TAB-R10',
    yield: '0.98',
    batch: 98,
    note: 'Rugged tablet R10, line 1: one of each component per tablet started; 2 boards in 100 fail the in-circuit test and are scrapped',
    inputs: [
      { partNumber: 'MDA-SOC-A78', quantityPerOutput: '1' },
      { partNumber: 'MDA-PCB-12L', quantityPerOutput: '1', scrapShare: '0.02', scrapItem: 'MDA-EW-REJ' },
      { partNumber: 'MDA-BAT-5000', quantityPerOutput: '1' },
      { partNumber: 'MDA-LCD-101', quantityPerOutput: '1' },
      { partNumber: 'MDA-HSG-AL', quantityPerOutput: '1' },
    ],
    fragile: 'MDA-LCD-101',
    wasteItem: 'MDA-EW-REJ',
  },
];

// --- staff -------------------------------------------------------------------------------------------

export interface DemoStaff {
  username: string;
  displayName: string;
  role: Role;
  /** Zones the user works in; null for all zones. */
  zones: ZoneCode[] | null;
}

export const DEMO_STAFF: readonly DemoStaff[] = [
  { username: 'officer', displayName: 'Maria Alvarez', role: 'customs_officer', zones: null },
  { username: 'officer.fz49', displayName: 'James Okafor', role: 'customs_officer', zones: ['FTZ49'] },
  { username: 'analyst', displayName: 'Priya Raman', role: 'risk_analyst', zones: null },
  { username: 'auditor', displayName: 'Thomas Becker', role: 'auditor', zones: null },
  { username: 'operator.fz49', displayName: 'Luis Ortega', role: 'zone_operator', zones: ['FTZ49'] },
  { username: 'operator.fz1', displayName: 'Grace Liu', role: 'zone_operator', zones: ['FTZ1'] },
];

/** Who confirms, for each zone, that goods passed its gates. */
export const ZONE_OPERATORS: Record<ZoneCode, string> = { FTZ49: 'operator.fz49', FTZ1: 'operator.fz1' };
export const OFFICER = 'officer';
export const ZONE_OFFICERS: Partial<Record<ZoneCode, string>> = { FTZ49: 'officer.fz49' };

// --- shipping vocabulary -------------------------------------------------------------------------------

export interface SeaCarrier {
  name: string;
  /** Standard Carrier Alpha Code, which starts the carrier's bill of lading numbers. */
  scac: string;
  /** ISO 6346 owner prefixes of the carrier's containers. */
  prefixes: readonly string[];
  sealPrefix: string;
}

export const SEA_CARRIERS: readonly SeaCarrier[] = [
  { name: 'MSC', scac: 'MEDU', prefixes: ['MSCU', 'MEDU', 'MSMU'], sealPrefix: 'FX' },
  { name: 'Maersk', scac: 'MAEU', prefixes: ['MAEU', 'MRKU', 'MSKU'], sealPrefix: 'ML-' },
  { name: 'CMA CGM', scac: 'CMDU', prefixes: ['CMAU', 'ECMU', 'APZU'], sealPrefix: 'C' },
  { name: 'Hapag-Lloyd', scac: 'HLCU', prefixes: ['HLXU', 'HLBU'], sealPrefix: 'HLD' },
  { name: 'OOCL', scac: 'OOLU', prefixes: ['OOLU', 'OOCU'], sealPrefix: 'OOLG' },
  { name: 'COSCO', scac: 'COSU', prefixes: ['CSNU', 'CBHU'], sealPrefix: 'CN' },
  { name: 'Evergreen', scac: 'EGLV', prefixes: ['EGHU', 'EISU', 'EMCU'], sealPrefix: 'EMC' },
  { name: 'ONE', scac: 'ONEY', prefixes: ['ONEU', 'NYKU'], sealPrefix: 'ONE' },
];

/** Invented vessel names; a voyage number and direction are added per call. */
export const VESSELS: readonly string[] = [
  'NORDIC HARMONY', 'PACIFIC MERIDIAN', 'ATLANTIC VISTA', 'CAPE ORCHID', 'JADE HORIZON', 'HANSA TRIDENT',
  'SEA LANTERN', 'OCEAN PARAGON', 'SILVER ESTUARY', 'EMERALD CROWN', 'GULF STARLING', 'AURORA BAY',
];

export interface AirCarrier {
  iata: string;
  /** IATA airline prefix that starts the air waybill number. */
  awbPrefix: string;
  airport: string;
}

/** Cargo airlines by the country the goods come from, with the airport they fly from. */
export const AIR_CARRIERS: Record<string, AirCarrier> = {
  CN: { iata: 'CX', awbPrefix: '160', airport: 'HKHKG' },
  TW: { iata: 'CI', awbPrefix: '297', airport: 'TWTPE' },
  KR: { iata: 'KE', awbPrefix: '180', airport: 'KRICN' },
  IT: { iata: 'LH', awbPrefix: '020', airport: 'DEFRA' },
  TR: { iata: 'TK', awbPrefix: '235', airport: 'TRIST' },
  IN: { iata: 'EK', awbPrefix: '176', airport: 'AEDXB' },
};

/** Ports the goods of each origin are shipped from. */
export const PORTS_OF_LOADING: Record<string, readonly string[]> = {
  CN: ['CNSGH', 'CNNBO', 'CNYTN', 'CNQIN', 'CNXAM'],
  VN: ['VNSGN', 'VNCMT', 'VNHPH'],
  KR: ['KRPUS'],
  TW: ['TWKHH'],
  JP: ['JPTYO'],
  MY: ['MYPKG'],
  ID: ['IDJKT'],
  TH: ['THLCH'],
  PH: ['PHMNL'],
  IN: ['INNSA', 'INMUN'],
  PK: ['PKKHI'],
  BD: ['BDCGP'],
  KH: ['KHKOS'],
  TR: ['TRIST', 'TRMER'],
  DE: ['DEHAM', 'DEBRV'],
  NL: ['NLRTM'],
  FR: ['FRLEH'],
  IT: ['ITGOA', 'ITSPE'],
  ES: ['ESVLC'],
  GB: ['GBFXT'],
  CZ: ['DEHAM'],
  AT: ['DEHAM', 'DEBRV'],
  BR: ['BRSSZ'],
  CO: ['COCTG'],
  EC: ['ECGYE'],
  GT: ['GTSTC'],
  CR: ['CRLIO'],
  CL: ['CLSAI'],
  MX: ['MXVER'],
};

/** Ports goods exported to each country are shipped to. */
export const PORTS_OF_DISCHARGE: Record<string, readonly string[]> = {
  CA: ['CAHAL', 'CAMTR'],
  MX: ['MXVER'],
  BR: ['BRSSZ'],
  GB: ['GBFXT', 'GBSOU'],
  DE: ['DEHAM', 'DEBRV'],
  DO: ['DOCAU', 'DOHAI'],
  JM: ['JMKIN'],
  CO: ['COCTG'],
  CL: ['CLSAI'],
  BS: ['BSFPO'],
  TT: ['TTPOS'],
  BB: ['BBBGI'],
};

/** Where air freight lands before it is trucked into a zone. */
export const ARRIVAL_AIRPORT = 'USJFK';

/**
 * The risk analyst's rules in the demo: points for what the analyst knows from experience, and one
 * forced lane. They apply from the start of the month of traffic.
 */
export const DEMO_RISK_RULES: readonly Omit<RuleInput, 'validFrom'>[] = [
  {
    name: 'Cheap apparel for its origin',
    reason: 'Apparel declared far below the usual value per kilogram for its HS subheading and origin: undervaluation',
    conditions: [
      { field: 'hsCode', op: 'startsWith', value: ['61', '62'] },
      { field: 'valuePerKgDeviation', op: 'lt', value: '-0.7' },
    ],
    weight: 25,
  },
  {
    name: 'Young importer of phones',
    reason: 'Phones imported by an enterprise registered less than two years ago: grey-market and counterfeit risk',
    conditions: [
      { field: 'hsCode', op: 'startsWith', value: ['8517'] },
      { field: 'enterpriseAgeDays', op: 'lt', value: '730' },
    ],
    weight: 15,
  },
  {
    name: 'Lithium batteries by air',
    reason: 'Lithium-ion batteries carried by air: dangerous-goods declaration and packing check',
    conditions: [
      { field: 'hsCode', op: 'startsWith', value: ['850760'] },
      { field: 'transportMode', op: 'in', value: ['AIR'] },
    ],
    forcedLane: 'YELLOW',
  },
];
