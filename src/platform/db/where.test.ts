import { describe, expect, it } from 'vitest';
import { whereBuilder } from './where.ts';

describe('whereBuilder', () => {
  it('numbers the parameters of each part in the order they are added', () => {
    const q = whereBuilder();
    expect(q.sql()).toBe('');
    q.add('zone_id = ?', 'z1');
    q.add('(origin = ANY(?::uuid[]) OR destination = ANY(?::uuid[]))', ['a'], ['b']);
    q.add('at >= ?', '2026-01-01');
    expect(q.sql()).toBe('WHERE zone_id = $1 AND (origin = ANY($2::uuid[]) OR destination = ANY($3::uuid[])) AND at >= $4');
    expect(q.params).toEqual(['z1', ['a'], ['b'], '2026-01-01']);
  });
});
