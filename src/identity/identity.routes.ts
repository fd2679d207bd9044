// Login, logout and the admin's management of users and API keys.
import { Type } from 'typebox';
import type { App } from '../platform/http/types.ts';
import type { AppContext } from '../context.ts';
import { ALL_ROLES, ROLES } from '../platform/auth/principal.ts';
import { principalOf } from '../platform/http/access.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { IdParams, IsoDateTime, Page, PageQuery, StringEnum, Uuid } from '../platform/http/schemas.ts';
import { API_KEY_SCOPES } from './identity.service.ts';

const Role = StringEnum(ROLES);
const Username = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{2,63}$', description: 'lower-case, 3 to 64 characters' });
const Password = Type.String({ minLength: 12, maxLength: 200 });
const ZoneIds = Type.Union([Type.Array(Uuid, { maxItems: 100, uniqueItems: true }), Type.Null()], {
  description: 'Zones the account works in; null for all zones',
});

const User = Type.Object({
  id: Uuid,
  username: Type.String(),
  displayName: Type.String(),
  role: Role,
  enterpriseId: Type.Union([Uuid, Type.Null()]),
  zoneIds: Type.Union([Type.Array(Uuid), Type.Null()]),
  active: Type.Boolean(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});

const ApiKey = Type.Object({
  id: Uuid,
  name: Type.String(),
  role: Role,
  enterpriseId: Type.Union([Uuid, Type.Null()]),
  zoneIds: Type.Union([Type.Array(Uuid), Type.Null()]),
  scopes: Type.Array(Type.String()),
  createdAt: IsoDateTime,
  expiresAt: Type.Union([IsoDateTime, Type.Null()]),
  revokedAt: Type.Union([IsoDateTime, Type.Null()]),
  lastUsedAt: Type.Union([IsoDateTime, Type.Null()]),
});

const adminOnly = { access: { roles: ['admin'] as const } };

export function registerIdentityRoutes(app: App, ctx: AppContext): void {
  const { identity, db } = ctx;

  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['identity'],
        summary: 'Log in with a username and password; returns a bearer token',
        body: Type.Object({ username: Type.String({ maxLength: 64 }), password: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ token: Type.String(), expiresAt: IsoDateTime, user: User }) },
      },
    },
    (request) => identity.login(request.body.username, request.body.password, request.ip),
  );

  app.post(
    '/api/v1/auth/logout',
    { config: { access: { roles: ALL_ROLES } }, schema: { tags: ['identity'], summary: 'End the current session' } },
    async (request, reply) => {
      const token = request.headers.authorization?.slice('Bearer '.length) ?? '';
      await identity.logout(token);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: {
        tags: ['identity'],
        summary: 'Who the token belongs to, with role and scope',
        response: {
          200: Type.Object({
            kind: Type.Union([Type.Literal('user'), Type.Literal('api_key')]),
            id: Uuid,
            name: Type.String(),
            role: Role,
            enterpriseId: Type.Union([Uuid, Type.Null()]),
            zoneIds: Type.Union([Type.Array(Uuid), Type.Null()]),
            scopes: Type.Array(Type.String()),
          }),
        },
      },
    },
    (request) => principalOf(request),
  );

  app.get(
    '/api/v1/users',
    {
      config: adminOnly,
      schema: {
        tags: ['identity'],
        summary: 'Users in username order, with role, scope and whether active',
        querystring: Type.Object(PageQuery),
        response: { 200: Page(User) },
      },
    },
    (request) => identity.listUsers(request.query.limit ?? 50, request.query.cursor),
  );

  app.get(
    '/api/v1/users/:id',
    { config: adminOnly, schema: { tags: ['identity'], summary: 'A user', params: IdParams, response: { 200: User } } },
    (request) => identity.getUser(request.params.id),
  );

  app.post(
    '/api/v1/users',
    {
      config: adminOnly,
      schema: {
        tags: ['identity'],
        summary: 'Create a user',
        body: Type.Object(
          {
            username: Username,
            displayName: Type.String({ minLength: 1, maxLength: 200 }),
            role: Role,
            password: Password,
            enterpriseId: Type.Optional(Type.Union([Uuid, Type.Null()])),
            zoneIds: Type.Optional(ZoneIds),
          },
          { additionalProperties: false },
        ),
        response: { 201: User },
      },
    },
    (request, reply) => idempotent(db, request, reply, 201, (tx) => identity.createUser(tx, request.body)),
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: adminOnly,
      schema: {
        tags: ['identity'],
        summary: 'Change a user: name, role and scope, password, or deactivate',
        params: IdParams,
        body: Type.Object(
          {
            displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            role: Type.Optional(Role),
            enterpriseId: Type.Optional(Type.Union([Uuid, Type.Null()])),
            zoneIds: Type.Optional(ZoneIds),
            password: Type.Optional(Password),
            active: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: User },
      },
    },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => identity.updateUser(tx, request.params.id, request.body)),
  );

  app.get(
    '/api/v1/api-keys',
    {
      config: adminOnly,
      schema: {
        tags: ['identity'],
        summary: 'API keys, revoked ones included, without their secrets',
        querystring: Type.Object(PageQuery),
        response: { 200: Page(ApiKey) },
      },
    },
    (request) => identity.listApiKeys(request.query.limit ?? 50, request.query.cursor),
  );

  app.post(
    '/api/v1/api-keys',
    {
      config: adminOnly,
      schema: {
        tags: ['identity'],
        summary: 'Create an API key for a machine client; the key is shown only in this answer',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            role: Role,
            enterpriseId: Type.Optional(Type.Union([Uuid, Type.Null()])),
            zoneIds: Type.Optional(ZoneIds),
            scopes: Type.Array(StringEnum(API_KEY_SCOPES), { maxItems: 20, uniqueItems: true }),
            expiresAt: Type.Optional(Type.Union([IsoDateTime, Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Intersect([ApiKey, Type.Object({ key: Type.String() })]) },
      },
    },
    (request, reply) =>
      idempotent(db, request, reply, 201, (tx) => identity.createApiKey(tx, principalOf(request), request.body)),
  );

  app.delete(
    '/api/v1/api-keys/:id',
    { config: adminOnly, schema: { tags: ['identity'], summary: 'Revoke an API key', params: IdParams, response: { 200: ApiKey } } },
    (request, reply) => idempotent(db, request, reply, 200, (tx) => identity.revokeApiKey(tx, request.params.id)),
  );
}
