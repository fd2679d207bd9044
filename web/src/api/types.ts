// The shapes of the API replies the console reads, as the server's OpenAPI document describes them
// (/openapi.json). Money and quantities are decimal strings; dates ISO 8601 strings.

export interface ErrorDetail {
  path: string;
  message: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const ROLES = ['admin', 'customs_officer', 'risk_analyst', 'auditor', 'zone_operator', 'enterprise_user', 'partner'] as const;
export type Role = (typeof ROLES)[number];
/** Roles a person's account may have: a partner administration calls with an API key only. */
export const USER_ROLES: readonly Role[] = ROLES.filter((role) => role !== 'partner');

export const ROLE_NAMES: Record<Role, string> = {
  admin: 'Administrator',
  customs_officer: 'Customs officer',
  risk_analyst: 'Risk analyst',
  auditor: 'Auditor',
  zone_operator: 'Zone operator',
  enterprise_user: 'Enterprise user',
  partner: 'Partner administration',
};

export interface Principal {
  kind: 'user' | 'api_key';
  id: string;
  name: string;
  role: Role;
  enterpriseId: string | null;
  zoneIds: string[] | null;
  scopes: string[];
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  enterpriseId: string | null;
  zoneIds: string[] | null;
}

export interface LoginReply {
  token: string;
  expiresAt: string;
  user: User;
}

export const STATES = ['SUBMITTED', 'ASSESSED', 'UNDER_INSPECTION', 'RELEASED', 'REJECTED', 'COMPLETED', 'CANCELLED'] as const;
export type DeclarationState = (typeof STATES)[number];

export const LANES = ['GREEN', 'YELLOW', 'RED'] as const;
export type Lane = (typeof LANES)[number];

export const DECLARATION_TYPES = [
  'ADMISSION',
  'EXPORT',
  'DOMESTIC_RELEASE',
  'DOMESTIC_ADMISSION',
  'TRANSFER',
  'PROCESSING',
  'DESTRUCTION',
] as const;
export type DeclarationType = (typeof DECLARATION_TYPES)[number];

export const ACTIONS = ['SUBMIT', 'ASSESS', 'START_INSPECTION', 'RELEASE', 'REJECT', 'COMPLETE', 'AMEND', 'CANCEL'] as const;
export type DeclarationAction = (typeof ACTIONS)[number];

export const TRANSPORT_MODES = ['SEA', 'RAIL', 'ROAD', 'AIR', 'POSTAL', 'MULTIMODAL', 'FIXED_INSTALLATION', 'INLAND_WATERWAY'] as const;
export type TransportMode = (typeof TRANSPORT_MODES)[number];
export const TRANSPORT_DOCUMENT_TYPES = ['BILL_OF_LADING', 'SEA_WAYBILL', 'AIR_WAYBILL', 'CMR', 'RAIL_CONSIGNMENT_NOTE', 'MANIFEST', 'OTHER'] as const;
export type TransportDocumentType = (typeof TRANSPORT_DOCUMENT_TYPES)[number];
export const PROCESSING_ROLES = ['INPUT', 'OUTPUT', 'WASTE', 'SCRAP'] as const;
export type ProcessingRole = (typeof PROCESSING_ROLES)[number];

export interface Transport {
  mode: TransportMode;
  vehiclePlate?: string;
  vesselOrFlight?: string;
  containers?: string[];
  seals?: string[];
  transportDocument?: { type: TransportDocumentType; number: string };
  portOfLoading?: string;
  portOfDischarge?: string;
}

export interface DeclarationSummary {
  id: string;
  reference: string;
  type: DeclarationType;
  state: DeclarationState;
  lane: Lane | null;
  zoneId: string;
  enterpriseId: string;
  enterpriseName: string;
  traderReference: string | null;
  currency: string;
  totalValue: string;
  totalGrossMass: string;
  lineCount: number;
  submittedAt: string;
  updatedAt: string;
}

export interface DeclarationLine {
  lineNo: number;
  itemId: string | null;
  partNumber: string | null;
  hsCode: string;
  description: string;
  originCountry: string;
  quantity: string;
  unit: string;
  netMass: string;
  grossMass: string;
  customsValue: string;
  currency: string;
  lotId: string | null;
  tariffCode: string | null;
  processingRole: ProcessingRole | null;
}

export interface Transition {
  action: DeclarationAction;
  fromState: DeclarationState | null;
  toState: DeclarationState;
  lane: Lane | null;
  actorId: string | null;
  actorName: string | null;
  actorRole: string;
  reason: string | null;
  at: string;
}

export interface DeclarationDetail extends DeclarationSummary {
  laneReasons: string[];
  riskScore: string | null;
  bookId: string | null;
  destination: { zoneId: string; enterpriseId: string; bookId: string | null } | null;
  originCountry: string | null;
  destinationCountry: string | null;
  transport: Transport;
  lines: DeclarationLine[];
  version: number;
  submittedBy: string;
  assessedAt: string | null;
  releasedAt: string | null;
  decidedAt: string | null;
  completedAt: string | null;
  history: Transition[];
  allowedActions: DeclarationAction[];
}

export interface LineInput {
  itemId?: string;
  partNumber?: string;
  hsCode: string;
  description: string;
  originCountry: string;
  quantity: string;
  unit: string;
  netMass: string;
  grossMass: string;
  customsValue: string;
  tariffCode?: string;
  processingRole?: ProcessingRole;
}

export interface DeclarationInput {
  bookId?: string;
  traderReference?: string;
  destination?: { zoneId: string; enterpriseId?: string; bookId?: string };
  destinationCountry?: string;
  currency: string;
  transport: Transport;
  lines: LineInput[];
}

export interface SubmitDeclaration extends DeclarationInput {
  type: DeclarationType;
  zoneId: string;
  enterpriseId?: string;
}

export interface Gate {
  id: string;
  zoneId: string;
  code: string;
  name: string;
  kind: 'ROAD' | 'RAIL' | 'PEDESTRIAN' | 'QUAY' | 'AIR';
  direction: 'IN' | 'OUT' | 'BOTH';
  latitude: number;
  longitude: number;
  active: boolean;
}

export type Position = number[];
export type Perimeter = { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] };

export interface Zone {
  id: string;
  code: string;
  name: string;
  locode: string;
  zoneType: string;
  territorialPattern: number;
  perimeter: Perimeter | null;
  active: boolean;
  gates: Gate[];
}

export interface Enterprise {
  id: string;
  identifier: string;
  name: string;
  country: string;
  roles: string[];
  zoneIds: string[];
  licenceNumber: string | null;
  licenceValidTo: string | null;
  aeoStatus: string;
  active: boolean;
}

export interface Book {
  id: string;
  enterpriseId: string;
  zoneId: string;
  code: string;
  kind: 'STORAGE' | 'PROCESSING';
  name: string;
  openedOn: string;
  active: boolean;
}

export interface Item {
  id: string;
  enterpriseId: string;
  partNumber: string;
  hsCode: string;
  description: string;
  unit: string;
  active: boolean;
}

export interface Administration {
  name: string;
  country: string;
  currency: string;
}

export interface HsEntry {
  code: string;
  description: string;
  level: 2 | 4 | 6;
  section: string;
  parent: string | null;
}

export interface ContainerCheck {
  number: string;
  valid: boolean;
  problem: string | null;
}

export interface Country {
  alpha2: string;
  name: string;
}

export interface Currency {
  code: string;
  name: string;
}

export interface Unit {
  code: string;
  name: string;
}

export const CUSTOMS_STATUSES = ['FOREIGN', 'DOMESTIC', 'PRIVILEGED_FOREIGN', 'NON_PRIVILEGED_FOREIGN', 'ZONE_RESTRICTED'] as const;
export type CustomsStatus = (typeof CUSTOMS_STATUSES)[number];

export interface StockLine {
  kind: 'GOODS' | 'WASTE' | 'SCRAP';
  itemId: string | null;
  partNumber: string | null;
  hsCode: string;
  description: string;
  customsStatus: CustomsStatus;
  unit: string;
  currency: string;
  lots: number;
  quantity: string;
  reserved: string | null;
  available: string | null;
  value: string;
}

export interface Stock {
  bookId: string;
  asOf: string | null;
  items: StockLine[];
}

export interface DeclarationRef {
  id: string;
  reference: string;
  type: DeclarationType;
}

export interface Lot {
  id: string;
  bookId: string;
  enterpriseId: string;
  zoneId: string;
  lotNumber: string;
  kind: 'GOODS' | 'WASTE' | 'SCRAP';
  itemId: string | null;
  partNumber: string | null;
  hsCode: string;
  description: string;
  customsStatus: CustomsStatus;
  originCountry: string;
  unit: string;
  receivedQuantity: string;
  quantity: string;
  reserved: string;
  available: string;
  unitValue: string;
  currency: string;
  value: string;
  location: string | null;
  receivingDeclaration: DeclarationRef | null;
  receivingLineNo: number | null;
  receiptDate: string;
  firstAdmission: { declarationId: string | null; reference: string | null; date: string | null };
  sourceLotIds: string[];
  createdAt: string;
}

export interface Movement {
  id: string;
  lotId: string;
  lotNumber: string;
  bookId: string;
  kind: 'RECEIPT' | 'REMOVAL' | 'TRANSFER_IN' | 'TRANSFER_OUT' | 'CONSUMPTION' | 'PRODUCTION' | 'ADJUSTMENT';
  quantity: string;
  value: string;
  currency: string;
  declaration: DeclarationRef | null;
  lineNo: number | null;
  reason: string | null;
  approvedBy: string | null;
  at: string;
}

export interface LotDetail extends Lot {
  movements: Movement[];
}

export interface TraceNode {
  depth: number;
  lotId: string;
  visible: boolean;
  lot: Lot | null;
  movements: Movement[];
  sourceLotIds: string[];
  admission: boolean;
}

export interface LotTrace {
  lotId: string;
  complete: boolean;
  maxDepth: number;
  nodes: TraceNode[];
}

export interface ReconciliationSummary {
  id: string;
  stockReportId: string;
  bookId: string;
  enterpriseId: string;
  zoneId: string;
  asOf: string;
  shareThreshold: string;
  valueThreshold: string;
  currency: string;
  matchedCount: number;
  shortageCount: number;
  overageCount: number;
  flaggedCount: number;
  shortageValue: string;
  overageValue: string;
  createdAt: string;
}

export interface Discrepancy {
  lineNo: number;
  kind: 'SHORTAGE' | 'OVERAGE';
  itemId: string | null;
  partNumber: string | null;
  hsCode: string;
  customsStatus: string;
  unit: string;
  description: string | null;
  bookQuantity: string;
  reportedQuantity: string;
  quantity: string;
  share: string | null;
  unitValue: string | null;
  value: string | null;
  currency: string | null;
  flagged: boolean;
  flagReasons: Array<'SHARE' | 'VALUE' | 'NOT_IN_BOOK'>;
}

export interface Reconciliation extends ReconciliationSummary {
  discrepancies: Discrepancy[];
}

export interface Bill {
  id: string;
  number: string;
  declarationId: string;
  status: 'UNPAID' | 'PAID' | 'GUARANTEED' | 'CANCELLED';
  currency: string;
  duty: string;
  excise: string;
  vat: string;
  total: string;
  assessmentDate: string;
  paymentReference: string;
  createdAt: string;
  paidAt: string | null;
  guaranteeReference: string | null;
  guaranteedAt: string | null;
  cancelledAt: string | null;
}

// --- analytics -----------------------------------------------------------------------------------

export const LANE_KEYS = ['GREEN', 'YELLOW', 'RED', 'NONE'] as const;
export type LaneKey = (typeof LANE_KEYS)[number];

export interface DeclarationCounts {
  submitted: number;
  byState: Record<DeclarationState, number>;
  byLane: Record<LaneKey, number>;
  byType: Record<DeclarationType, number>;
}

export interface Queue {
  count: number;
  oldestSince: string | null;
  oldestWaitSeconds: number | null;
}

export interface CurrencyRevenue {
  currency: string;
  billed: string;
  billedCount: number;
  paid: string;
  paidCount: number;
  outstanding: string;
  outstandingCount: number;
  guaranteed: string;
  guaranteedCount: number;
}

export interface Alert {
  eventId: number;
  type: string;
  at: string;
  zoneId: string | null;
  enterpriseId: string | null;
  bookId: string | null;
  reconciliationId: string | null;
  kind: string | null;
  partNumber: string | null;
  hsCode: string | null;
  quantity: string | null;
  unit: string | null;
  value: string | null;
  currency: string | null;
}

export interface Percentiles {
  count: number;
  median: number | null;
  p90: number | null;
}

export interface IntervalFigures {
  declarations: number;
  submissionToLane: Percentiles;
  laneToRelease: Percentiles;
  releaseToExit: Percentiles;
  submissionToRelease: Percentiles;
}

export interface Dashboard {
  period: { from: string; to: string; days: number; timeZone: 'UTC' };
  scope: { zoneId: string | null; enterpriseId: string | null; zoneIds: string[] | null };
  generatedAt: string;
  today: DeclarationCounts & { date: string };
  declarations: DeclarationCounts;
  queues: {
    assessed: { YELLOW: Queue; RED: Queue };
    underInspection: Queue;
    awaitingPayment: Queue;
  };
  revenue: { currencies: CurrencyRevenue[] } | null;
  alerts: { count: number; byType: Record<string, number>; latest: Alert[] };
  timeRelease: {
    overall: IntervalFigures;
    byLane: Array<IntervalFigures & { lane: LaneKey }>;
    byType: Array<IntervalFigures & { type: DeclarationType }>;
  };
}

// --- live events ---------------------------------------------------------------------------------

export interface LiveEvent {
  id: number;
  type: string;
  aggregateType: string;
  aggregateId: string;
  zoneId: string | null;
  enterpriseId: string | null;
  at: string;
  data: Record<string, string | number | null>;
}

export interface Ticket {
  ticket: string;
  expiresAt: string;
  streamUrl: string;
}

// --- identity: users and API keys (admin) --------------------------------------------------------

export interface UserAccount extends User {
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface UserInput {
  username: string;
  displayName: string;
  role: Role;
  password: string;
  enterpriseId?: string | null;
  zoneIds?: string[] | null;
}

export type UserChange = Partial<Omit<UserInput, 'username'>> & { active?: boolean };

export const API_KEY_SCOPES = ['declarations:write', 'stock-reports:write', 'gate-events:write', 'telemetry:write', 'cctv:write', 'payments:write', 'scans:write', 'feeds:read', 'metrics:read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  enterpriseId: string | null;
  zoneIds: string[] | null;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** The answer to a key's creation: the only time the key itself is shown. */
export interface ApiKeyCreated extends ApiKey {
  key: string;
}

// --- registry: administration settings, enterprises, history --------------------------------------

export const AEO_STATUSES = ['NONE', 'AEO_C', 'AEO_S', 'AEO_F'] as const;
export type AeoStatus = (typeof AEO_STATUSES)[number];

export const AEO_NAMES: Record<AeoStatus, string> = {
  NONE: 'None',
  AEO_C: 'AEO-C (customs simplifications)',
  AEO_S: 'AEO-S (security and safety)',
  AEO_F: 'AEO-F (full)',
};

export const ENTERPRISE_ROLES = ['OPERATOR', 'WAREHOUSE', 'MANUFACTURER', 'TRADER', 'BROKER', 'CARRIER', 'LOGISTICS'] as const;
export type EnterpriseRole = (typeof ENTERPRISE_ROLES)[number];

export interface EnterpriseRecord extends Enterprise {
  aeoStatus: AeoStatus;
  licenceValidFrom: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface EnterpriseInput {
  identifier: string;
  name: string;
  country: string;
  roles: EnterpriseRole[];
  zoneIds?: string[];
  licenceNumber?: string | null;
  licenceValidFrom?: string | null;
  licenceValidTo?: string | null;
  aeoStatus?: AeoStatus;
  active?: boolean;
}

export interface SelectivityRule {
  name: string;
  lane: Lane;
  reason: string;
  declarationTypes?: DeclarationType[];
  hsPrefixes?: string[];
  originCountries?: string[];
  enterpriseIds?: string[];
  aeoStatuses?: AeoStatus[];
  minTotalValue?: string;
}

export interface Selectivity {
  randomRedShare: string;
  randomYellowShare: string;
  autoReleaseGreen: boolean;
  rules: SelectivityRule[];
}

export const HS_EDITIONS = ['HS2022', 'HS2017'] as const;
export const STATUS_MODELS = ['STANDARD', 'US_FTZ'] as const;

/** The settings as the caller may see them: traders and zone operators get no selectivity. */
export interface AdministrationSettings extends Administration {
  hsEdition: (typeof HS_EDITIONS)[number];
  vatRate: string;
  statusModel: (typeof STATUS_MODELS)[number];
  selectivity?: Selectivity;
  version: number;
  updatedAt: string;
}

export type AdministrationInput = Omit<AdministrationSettings, 'version' | 'updatedAt' | 'selectivity'> & { selectivity: Selectivity };

export interface HistoryEntry {
  version: number;
  action: 'CREATED' | 'UPDATED';
  changedBy: { id: string; name: string | null } | null;
  changedAt: string;
  data: Record<string, unknown>;
}

// --- duties: tariff, excise, exchange rates; reconciliation thresholds -----------------------------

export interface TariffSchedule {
  source: string;
  currency: string;
  sha256: string;
  lineCount: number;
  loadedAt: string;
  loadedBy: string | null;
}

export interface TariffRate {
  text: string;
  computable: boolean;
  reason: string | null;
  components: Array<{ kind: 'AD_VALOREM' | 'SPECIFIC'; text: string; percent?: string; amount?: string; chargedOn?: string }>;
}

export interface TariffLine {
  code: string;
  hsCode: string;
  rateLine: string;
  description: string;
  context: string[];
  units: string[];
  rate: TariffRate | null;
}

export interface TariffLookup {
  code: string;
  currency: string;
  lines: TariffLine[];
}

export const EXCISE_BASES = ['CUSTOMS_VALUE', 'DUTY_PAID_VALUE'] as const;
export type ExciseBasis = (typeof EXCISE_BASES)[number];

export interface ExciseRate {
  hsPrefix: string;
  description?: string;
  adValorem?: string;
  specific?: { amount: string; per: string };
}

export interface DutySettings {
  exciseBasis: ExciseBasis;
  excise: ExciseRate[];
  version: number;
  updatedAt: string;
}

export interface ExchangeRate {
  currency: string;
  validFrom: string;
  rateToNational: string;
}

export interface ExchangeRates {
  nationalCurrency: string;
  items: ExchangeRate[];
}

export interface ReconciliationSettings {
  shareThreshold: string;
  valueThreshold: string;
  currency: string;
  version: number;
  updatedBy: string | null;
  updatedAt: string;
}

// --- stock reports -------------------------------------------------------------------------------

export interface StockReportSummary {
  id: string;
  bookId: string;
  enterpriseId: string;
  zoneId: string;
  asOf: string;
  source: string | null;
  format: 'JSON' | 'CSV';
  lineCount: number;
  uploadedBy: string | null;
  uploadedAt: string;
  latestReconciliationId: string | null;
}

/** The answer to an upload: the report, reconciled with the book at once. */
export interface StockReportUploaded extends StockReportSummary {
  reconciliation: Reconciliation;
}

/** An HS code with the chapter and heading above it (/api/v1/reference/hs/{code}). */
export interface HsDetail extends HsEntry {
  edition: string;
  sectionName: string | null;
  ancestors: HsEntry[];
}
