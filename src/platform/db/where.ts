// A WHERE clause built from optional parts, with numbered parameters: each `?` of a part takes the
// next parameter number, so filters are added in any order without counting placeholders by hand.

export interface WhereBuilder {
  where: string[];
  params: unknown[];
  /** Adds `clause`, its `?` placeholders replaced in order by the numbers of `values`. */
  add(clause: string, ...values: unknown[]): void;
  /** `WHERE a AND b`, or nothing when no part was added. */
  sql(): string;
}

export function whereBuilder(): WhereBuilder {
  const where: string[] = [];
  const params: unknown[] = [];
  return {
    where,
    params,
    add(clause, ...values) {
      let text = clause;
      for (const value of values) {
        params.push(value);
        text = text.replace('?', `$${params.length}`);
      }
      where.push(text);
    },
    sql: () => (where.length ? `WHERE ${where.join(' AND ')}` : ''),
  };
}
