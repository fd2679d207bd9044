// Schemas shared by every route: the error body, the list shape, paging parameters and the scalar
// types (decimals as strings, never floats) that all capabilities use.
import { Type, type TSchema } from 'typebox';

export const Uuid = Type.String({ format: 'uuid' });

/** A non-negative decimal written as a string ("1250.50"): money and quantities never travel as floats. */
export const Decimal = Type.String({
  pattern: '^(0|[1-9][0-9]{0,14})(\\.[0-9]{1,6})?$',
  description: 'Decimal number as a string, up to 15 integer and 6 fraction digits',
  examples: ['1250.50'],
});

export const IsoDate = Type.String({ format: 'date', description: 'Calendar date, YYYY-MM-DD' });
export const IsoDateTime = Type.String({ format: 'date-time' });

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code' }),
      message: Type.String(),
      details: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
    }),
  },
  { $id: 'ErrorBody' },
);

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
};

export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
  });
}

export const IdParams = Type.Object({ id: Uuid });

/** Error replies every authenticated route may give; added to each route's OpenAPI entry. */
export const errorResponses = {
  400: Type.Ref('ErrorBody'),
  401: Type.Ref('ErrorBody'),
  403: Type.Ref('ErrorBody'),
  404: Type.Ref('ErrorBody'),
  409: Type.Ref('ErrorBody'),
};

/** A string restricted to a fixed list: one `enum` in the JSON Schema, a union of literals in TypeScript. */
export function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** A value or null. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
