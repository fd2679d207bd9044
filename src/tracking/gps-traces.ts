// Real GPS tracks for replays (the monitor's tests, the demo, the benchmark): a CSV of
// `TrackID,Latitude,Longitude[,Time]` rows, gzipped or not, such as data/gps/berlin_gps_traces.csv.gz.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import type { LonLat } from './geo.ts';

/** The tracks of a trace file by track id, each a list of [lon, lat] in file order. */
export function readTraces(file: string): Map<string, LonLat[]> {
  const bytes = readFileSync(file);
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const rows = parse(gzipped ? gunzipSync(bytes) : bytes, { bom: true, skip_empty_lines: true, trim: true });
  const [header, ...records] = rows;
  const column = (name: string): number => {
    const index = header?.findIndex((cell) => cell.toLowerCase() === name.toLowerCase()) ?? -1;
    if (index < 0) throw new Error(`${file}: no ${name} column`);
    return index;
  };
  const trackColumn = column('TrackID');
  const latColumn = column('Latitude');
  const lonColumn = column('Longitude');
  const tracks = new Map<string, LonLat[]>();
  records.forEach((record, index) => {
    const lat = Number(record[latColumn]);
    const lon = Number(record[lonColumn]);
    if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) || record[latColumn] === '' || record[lonColumn] === '') {
      throw new Error(`${file}: record ${index + 1} after the header has no valid latitude and longitude`);
    }
    const id = record[trackColumn] ?? '';
    let track = tracks.get(id);
    if (!track) tracks.set(id, (track = []));
    track.push([lon, lat]);
  });
  return tracks;
}
