// Rows in PostgreSQL's binary COPY format (the COPY command's "Binary Format"): an 11-byte signature,
// a flags field and a header extension length, then each row as its number of fields and each field as
// its length in bytes (-1 for NULL) and the value as the server stores it, big-endian; a field count of
// -1 ends the data. Bulk writes of many small rows go this way (`Db.copyBinary`): the server takes the
// values as they are, where text would be parsed field by field, and stores the rows without running
// an INSERT for each.

/** "PGCOPY\n\377\r\n\0", the signature every binary COPY file starts with. */
const COPY_BINARY_SIGNATURE = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]);

/** PostgreSQL counts timestamps in microseconds from 2000-01-01T00:00:00Z. */
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);
const TWO_TO_32 = 2 ** 32;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class CopyBinaryWriter {
  private buffer: Buffer;
  private offset: number;
  /**
   * The bytes of the uuids met, by text: a batch names the same few ids on many rows (a trip's
   * positions), each parsed once. A caller writing the same ids batch after batch may keep them (`uuids`).
   */
  private readonly uuids: Map<string, Buffer>;

  constructor(expectedBytes = 64 * 1024, uuids = new Map<string, Buffer>()) {
    this.uuids = uuids;
    this.buffer = Buffer.allocUnsafe(Math.max(expectedBytes, 64));
    this.buffer.set(COPY_BINARY_SIGNATURE, 0);
    // Flags (no OIDs) and the length of the header extension (none).
    this.buffer.writeInt32BE(0, 11);
    this.buffer.writeInt32BE(0, 15);
    this.offset = 19;
  }

  /** Starts a row of `fields` fields; exactly that many values must follow. */
  row(fields: number): this {
    this.room(2);
    this.offset = this.buffer.writeInt16BE(fields, this.offset);
    return this;
  }

  null(): this {
    this.room(4);
    this.offset = this.buffer.writeInt32BE(-1, this.offset);
    return this;
  }

  /** A smallint; a fraction or a value out of its range is an error, not a value cut to fit. */
  int16(value: number | null): this {
    return this.integer(value, 2);
  }

  /** An integer; a fraction or a value out of its range is an error, not a value cut to fit. */
  int32(value: number | null): this {
    return this.integer(value, 4);
  }

  /** A timestamptz from epoch milliseconds (exact: microseconds fit a double's integers for ±285 years). */
  timestamptz(epochMs: number | null): this {
    if (epochMs === null) return this.null();
    if (!Number.isInteger(epochMs)) throw new RangeError(`a timestamp must be whole milliseconds, not ${epochMs}`);
    const micros = (epochMs - POSTGRES_EPOCH_MS) * 1000;
    if (!Number.isSafeInteger(micros)) throw new RangeError(`timestamp ${epochMs} is out of range`);
    const high = Math.floor(micros / TWO_TO_32);
    this.room(12);
    let at = this.buffer.writeInt32BE(8, this.offset);
    at = this.buffer.writeInt32BE(high, at);
    this.offset = this.buffer.writeUInt32BE(micros - high * TWO_TO_32, at);
    return this;
  }

  /** A uuid in its canonical text form (any case). */
  uuid(value: string | null): this {
    if (value === null) return this.null();
    let bytes = this.uuids.get(value);
    if (!bytes) {
      if (!UUID.test(value)) throw new RangeError(`not a uuid: ${JSON.stringify(value)}`);
      bytes = Buffer.from(value.replaceAll('-', ''), 'hex');
      this.uuids.set(value, bytes);
    }
    this.room(20);
    this.offset = this.buffer.writeInt32BE(16, this.offset);
    this.buffer.set(bytes, this.offset);
    this.offset += 16;
    return this;
  }

  /** The data, ended; the writer is not to be used after. */
  finish(): Buffer {
    this.room(2);
    this.offset = this.buffer.writeInt16BE(-1, this.offset);
    return this.buffer.subarray(0, this.offset);
  }

  private integer(value: number | null, bytes: 2 | 4): this {
    if (value === null) return this.null();
    if (!Number.isInteger(value)) throw new RangeError(`an integer column takes whole numbers, not ${value}`);
    this.room(4 + bytes);
    const at = this.buffer.writeInt32BE(bytes, this.offset);
    this.offset = bytes === 2 ? this.buffer.writeInt16BE(value, at) : this.buffer.writeInt32BE(value, at);
    return this;
  }

  private room(bytes: number): void {
    if (this.offset + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.offset + bytes));
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
  }
}
