import type { FastifyInstance } from 'fastify';
import { callerOf, type HttpEnv } from '../env.js';
import { TENANT_PATTERN } from '../auth.js';
import { coordinateSystemSchema, toWgs84, type CoordinateSystem } from '../../org/coordinates.js';
import { listSchema, errorResponses, localizedTextSchema } from '../schemas.js';

const TAG = 'organisation';

/** The organisation tree (district → street → community → grid → building, with departments and compounds beside it). */
export function orgRoutes(app: FastifyInstance, env: HttpEnv): void {
  app.get(
    '/api/v1/org/tree',
    {
      schema: {
        tags: [TAG],
        summary: 'The organisation tree',
        description: 'Every unit of the caller’s tenant with its parent, names and (for grids) GeoJSON boundary.',
        security: [{ bearer: [] }],
        response: {
          200: listSchema({
            type: 'object',
            properties: {
              id: { type: 'string' },
              kind: { type: 'string' },
              parentId: { type: ['string', 'null'] },
              name: localizedTextSchema,
              boundary: { type: 'object' },
              attributes: { type: 'object' },
            },
          }),
          ...errorResponses(401, 429),
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const units = await env.ctx.org.tree(caller.tenant);
      return { items: units.map(({ tenant: _tenant, ...unit }) => unit) };
    },
  );

  app.get<{ Querystring: { lng: number; lat: number; tenant?: string; coordinateSystem?: CoordinateSystem } }>(
    '/api/v1/org/locate',
    {
      schema: {
        tags: [TAG],
        summary: 'The grid containing a point',
        description:
          'Point in polygon over the grids’ boundaries (WGS-84). `coordinateSystem` says which system the point is in (`wgs84` default; `gcj02` for 高德, 腾讯 and WeChat, `bd09` for Baidu), and the point is converted to WGS-84 first. Open without a token for intake forms (`tenant` parameter).',
        security: [{}, { bearer: [] }],
        querystring: {
          type: 'object',
          required: ['lng', 'lat'],
          additionalProperties: false,
          properties: {
            lng: { type: 'number', minimum: -180, maximum: 180 },
            lat: { type: 'number', minimum: -90, maximum: 90 },
            tenant: { type: 'string', maxLength: 64, pattern: TENANT_PATTERN.source },
            coordinateSystem: coordinateSystemSchema,
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              grid: { type: 'string' },
              community: { type: ['string', 'null'] },
              street: { type: ['string', 'null'] },
            },
          },
          ...errorResponses(400, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const tenant = request.caller?.tenant ?? request.query.tenant ?? env.ctx.config.demoTenant;
      const { lng, lat, coordinateSystem = 'wgs84' } = request.query;
      const place = await env.ctx.org.locate(tenant, toWgs84({ lng, lat }, coordinateSystem));
      if (!place) {
        return reply.code(404).send({
          code: 'org.not_located',
          message_zh: '该位置不在任何网格内',
          message_en: 'The point lies in no grid',
        });
      }
      return place;
    },
  );
}
