// Checks a declaration against the registry and the reference data, naming every bad field, and
// resolves what it refers to (enterprise, zone, book, items) so the service stores only valid data.
import { Decimal } from 'decimal.js';
import type { Db } from '../platform/db/db.ts';
import { FieldErrors } from '../platform/errors.ts';
import type { Principal } from '../platform/auth/principal.ts';
import { canSeeZone } from '../platform/auth/principal.ts';
import type { ReferenceData } from '../reference/reference.ts';
import { checkContainerNumber } from '../reference/validators.ts';
import type { RegistryService } from '../registry/registry.service.ts';
import type { Administration } from '../registry/registry.schemas.ts';
import type { LineInput, Transport } from './declaration.schemas.ts';
import type { AeoStatus, DeclarationType } from './selectivity.schema.ts';
import type { NewLine } from './declaration.repository.ts';

export interface DeclarationFields {
  bookId?: string;
  traderReference?: string;
  destination?: { zoneId: string; enterpriseId?: string; bookId?: string };
  destinationCountry?: string;
  currency: string;
  transport: Transport;
  lines: LineInput[];
}

export interface ResolvedDeclaration {
  /** The settings in force when the declaration was checked; assessment uses the same. */
  administration: Administration;
  zoneCode: string;
  enterpriseId: string;
  aeoStatus: AeoStatus;
  bookId: string;
  destination: { zoneId: string; enterpriseId: string; bookId: string } | null;
  originCountry: string | null;
  destinationCountry: string | null;
  currency: string;
  transport: Transport;
  lines: NewLine[];
  totalValue: string;
  totalGrossMass: string;
}

const TYPES_LEAVING_THE_COUNTRY: readonly DeclarationType[] = ['EXPORT'];
/** Types whose goods leave lots already in the books (PROCESSING: its INPUT lines). */
export const DRAWING_DOWN: readonly DeclarationType[] = ['EXPORT', 'DOMESTIC_RELEASE', 'DESTRUCTION', 'TRANSFER', 'PROCESSING'];

async function defaultBook(registry: RegistryService, db: Db, enterpriseId: string, zoneId: string, processing: boolean): Promise<string | null> {
  const books = await registry.openBooksOf(db, enterpriseId, zoneId);
  const suitable = processing ? books.filter((book) => book.kind === 'PROCESSING') : books;
  // Storage books first: goods admitted for storage do not land in a processing book by default.
  const ordered = [...suitable].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'STORAGE' ? -1 : 1));
  return ordered[0]?.id ?? null;
}

export async function validateDeclaration(
  deps: { reference: ReferenceData; registry: RegistryService },
  db: Db,
  principal: Principal,
  header: { type: DeclarationType; zoneId: string; enterpriseId: string | null },
  input: DeclarationFields,
  today: string,
): Promise<ResolvedDeclaration> {
  const { reference, registry } = deps;
  const errors = new FieldErrors();
  const administration = await registry.getAdministration(db);
  const hs = reference.hs(administration.hsEdition);

  const zone = await registry.findZone(db, header.zoneId);
  if (!zone || !canSeeZone(principal, zone.id)) errors.add('/zoneId', 'no such zone');
  else if (!zone.active) errors.add('/zoneId', 'the zone is not active');

  // An enterprise user always declares for its own enterprise; staff must say for whom.
  let enterpriseId = header.enterpriseId;
  if (principal.role === 'enterprise_user') {
    if (enterpriseId && enterpriseId !== principal.enterpriseId) errors.add('/enterpriseId', 'you may declare only for your own enterprise');
    enterpriseId = principal.enterpriseId;
  } else if (!enterpriseId) {
    errors.add('/enterpriseId', 'is required when declaring on behalf of an enterprise');
  }
  const enterprise = enterpriseId ? await registry.findEnterprise(db, enterpriseId) : undefined;
  if (enterpriseId && !enterprise) errors.add('/enterpriseId', 'no such enterprise');
  if (enterprise) {
    if (!enterprise.active) errors.add('/enterpriseId', 'the enterprise is not active');
    if (zone && !enterprise.zoneIds.includes(zone.id)) errors.add('/zoneId', 'the enterprise is not registered in this zone');
    if (enterprise.licenceValidTo && enterprise.licenceValidTo < today) {
      errors.add('/enterpriseId', `the enterprise's zone licence expired on ${enterprise.licenceValidTo}`);
    }
    if (enterprise.licenceValidFrom && enterprise.licenceValidFrom > today) {
      errors.add('/enterpriseId', `the enterprise's zone licence is valid only from ${enterprise.licenceValidFrom}`);
    }
  }

  // The book the goods post to: the one named, or the enterprise's first open book of the right kind in the zone.
  let bookId: string | null = null;
  const wantsProcessingBook = header.type === 'PROCESSING';
  if (input.bookId) {
    const book = await registry.findBook(db, input.bookId);
    if (!book || (enterprise && book.enterpriseId !== enterprise.id)) errors.add('/bookId', 'no such book of this enterprise');
    else if (zone && book.zoneId !== zone.id) errors.add('/bookId', 'the book is kept in another zone');
    else if (!book.active) errors.add('/bookId', 'the book is closed');
    else if (wantsProcessingBook && book.kind !== 'PROCESSING') errors.add('/bookId', 'processing is booked in a PROCESSING book');
    else bookId = book.id;
  } else if (enterprise && zone) {
    bookId = await defaultBook(registry, db, enterprise.id, zone.id, wantsProcessingBook);
    if (!bookId) errors.add('/bookId', `the enterprise has no open ${wantsProcessingBook ? 'PROCESSING ' : ''}account book in this zone`);
  }

  let destination: ResolvedDeclaration['destination'] = null;
  if (header.type === 'TRANSFER') {
    if (!input.destination) errors.add('/destination', 'is required for a TRANSFER');
    else {
      const destinationZone = await registry.findZone(db, input.destination.zoneId);
      if (!destinationZone) errors.add('/destination/zoneId', 'no such zone');
      const destinationEnterpriseId = input.destination.enterpriseId ?? enterpriseId;
      const destinationEnterprise = destinationEnterpriseId ? await registry.findEnterprise(db, destinationEnterpriseId) : undefined;
      if (!destinationEnterprise) errors.add('/destination/enterpriseId', 'no such enterprise');
      else if (destinationZone && !destinationEnterprise.zoneIds.includes(destinationZone.id)) {
        errors.add('/destination/enterpriseId', 'the receiving enterprise is not registered in the destination zone');
      }
      if (destinationZone?.id === zone?.id && destinationEnterprise?.id === enterprise?.id) {
        errors.add('/destination', 'a transfer must change zone or enterprise');
      }
      let destinationBookId: string | null = null;
      if (input.destination.bookId) {
        const book = await registry.findBook(db, input.destination.bookId);
        if (!book || book.enterpriseId !== destinationEnterprise?.id || book.zoneId !== destinationZone?.id || !book.active) {
          errors.add('/destination/bookId', 'no such open book of the receiving enterprise in the destination zone');
        } else destinationBookId = book.id;
      } else if (destinationZone && destinationEnterprise) {
        destinationBookId = await defaultBook(registry, db, destinationEnterprise.id, destinationZone.id, false);
        if (!destinationBookId) errors.add('/destination/bookId', 'the receiving enterprise has no open account book in the destination zone');
      }
      if (destinationZone && destinationEnterprise && destinationBookId) {
        destination = { zoneId: destinationZone.id, enterpriseId: destinationEnterprise.id, bookId: destinationBookId };
      }
    }
  } else if (input.destination) {
    errors.add('/destination', 'is only for a TRANSFER');
  }

  if (TYPES_LEAVING_THE_COUNTRY.includes(header.type) && !input.destinationCountry) {
    errors.add('/destinationCountry', `is required for ${header.type}`);
  }
  if (input.destinationCountry && !reference.countries.get(input.destinationCountry)) {
    errors.add('/destinationCountry', 'is not an ISO 3166 country code');
  }
  if (!reference.currencies.get(input.currency)) errors.add('/currency', 'is not a current ISO 4217 currency code');

  const transport = { ...input.transport };
  if (transport.containers) {
    const normalized: string[] = [];
    transport.containers.forEach((raw, index) => {
      const check = checkContainerNumber(raw);
      if (!check.valid) errors.add(`/transport/containers/${index}`, `${raw} is not a valid ISO 6346 container number: ${check.problem}`);
      else if (normalized.includes(check.normalized)) errors.add(`/transport/containers/${index}`, `${check.normalized} is listed twice`);
      else normalized.push(check.normalized);
    });
    transport.containers = normalized;
  }
  for (const field of ['portOfLoading', 'portOfDischarge'] as const) {
    const code = transport[field];
    if (code && !reference.locodes.get(code)) errors.add(`/transport/${field}`, `${code} is not a UN/LOCODE`);
  }

  let totalValue = new Decimal(0);
  let totalGrossMass = new Decimal(0);
  const lines: NewLine[] = [];
  for (const [index, line] of input.lines.entries()) {
    const path = `/lines/${index}`;
    let itemId: string | null = null;
    let partNumber = line.partNumber ?? null;
    if (line.itemId) {
      const item = await registry.findItem(db, line.itemId);
      if (!item || (enterprise && item.enterpriseId !== enterprise.id)) errors.add(`${path}/itemId`, 'no such item of this enterprise');
      else {
        itemId = item.id;
        partNumber = item.partNumber;
        if (item.hsCode !== line.hsCode) errors.add(`${path}/hsCode`, `differs from the item's HS code ${item.hsCode}`);
        if (item.unit !== line.unit) errors.add(`${path}/unit`, `differs from the item's unit ${item.unit}`);
      }
    }
    if (!hs.isSubheading(line.hsCode)) errors.add(`${path}/hsCode`, `${line.hsCode} is not a subheading of ${hs.edition}`);
    if (line.tariffCode && !line.tariffCode.startsWith(line.hsCode)) errors.add(`${path}/tariffCode`, `must begin with the HS code ${line.hsCode}`);
    if (header.type === 'PROCESSING' && !line.processingRole) errors.add(`${path}/processingRole`, 'is required on a PROCESSING declaration');
    if (header.type !== 'PROCESSING' && line.processingRole) errors.add(`${path}/processingRole`, 'is only for PROCESSING declarations');
    if (line.lotId && !DRAWING_DOWN.includes(header.type)) errors.add(`${path}/lotId`, `goods of a ${header.type} do not come from a lot`);
    if (line.lotId && line.processingRole && line.processingRole !== 'INPUT') errors.add(`${path}/lotId`, 'only processing inputs come from a lot');
    if (!reference.countries.get(line.originCountry)) errors.add(`${path}/originCountry`, 'is not an ISO 3166 country code');
    if (!reference.units.get(line.unit)) errors.add(`${path}/unit`, 'is not a known UN/ECE Recommendation 20 unit');
    const quantity = new Decimal(line.quantity);
    const netMass = new Decimal(line.netMass);
    const grossMass = new Decimal(line.grossMass);
    if (quantity.lte(0)) errors.add(`${path}/quantity`, 'must be greater than zero');
    if (grossMass.lte(0)) errors.add(`${path}/grossMass`, 'must be greater than zero');
    if (netMass.gt(grossMass)) errors.add(`${path}/netMass`, 'must not exceed the gross mass');
    if (new Decimal(line.customsValue).decimalPlaces() > 2) errors.add(`${path}/customsValue`, 'has more than 2 decimal places');
    if (grossMass.decimalPlaces() > 3) errors.add(`${path}/grossMass`, 'has more than 3 decimal places');
    if (netMass.decimalPlaces() > 3) errors.add(`${path}/netMass`, 'has more than 3 decimal places');
    totalValue = totalValue.plus(line.customsValue);
    totalGrossMass = totalGrossMass.plus(grossMass);
    lines.push({
      itemId,
      partNumber,
      hsCode: line.hsCode,
      description: line.description,
      originCountry: line.originCountry,
      quantity: line.quantity,
      unit: line.unit,
      netMass: line.netMass,
      grossMass: line.grossMass,
      customsValue: line.customsValue,
      lotId: line.lotId ?? null,
      tariffCode: line.tariffCode ?? null,
      processingRole: line.processingRole ?? null,
    });
  }
  if (header.type === 'PROCESSING') {
    for (const role of ['INPUT', 'OUTPUT'] as const) {
      if (!input.lines.some((line) => line.processingRole === role)) errors.add('/lines', `a PROCESSING declaration needs at least one ${role} line`);
    }
  }
  errors.throwIfAny('The declaration has invalid fields');

  const origins = [...new Set(lines.map((line) => line.originCountry))];
  return {
    administration,
    zoneCode: zone?.code ?? '',
    enterpriseId: enterprise?.id as string,
    aeoStatus: enterprise?.aeoStatus ?? 'NONE',
    bookId: bookId as string,
    destination,
    originCountry: origins.length === 1 ? (origins[0] ?? null) : null,
    destinationCountry: input.destinationCountry ?? null,
    currency: input.currency,
    transport,
    lines,
    totalValue: totalValue.toFixed(2),
    totalGrossMass: totalGrossMass.toFixed(3),
  };
}
