import { componentRef, localizedTextSchema } from '../schemas.js';
import type { Schema } from '../validation.js';

/* The schemas of the policy routes (routes/policies.ts): parameters, bodies and answers. */

export const policyIdParam = { type: 'string', minLength: 1, maxLength: 100, pattern: '^(?!\\.+$)[A-Za-z0-9_.-]+$' };
export const versionParam = { type: 'integer', minimum: 1, maximum: 2147483647 };
export const idParams: Schema = {
  type: 'object',
  required: ['policyId'],
  additionalProperties: false,
  properties: { policyId: policyIdParam },
};
export const versionParams: Schema = {
  type: 'object',
  required: ['policyId', 'version'],
  additionalProperties: false,
  properties: { policyId: policyIdParam, version: versionParam },
};
export const note = (required: boolean): Schema => ({
  type: 'object',
  additionalProperties: false,
  ...(required ? { required: ['note'] } : {}),
  properties: { note: { type: 'string', minLength: required ? 1 : 0, maxLength: 2000 } },
});

export const metaProperties: Record<string, Schema> = {
  id: { type: 'string' },
  version: { type: 'integer' },
  status: { type: 'string', enum: ['draft', 'in_review', 'published', 'retired'] },
  author: { type: 'string' },
  reviewedBy: { type: 'string' },
  reviewNote: { type: 'string' },
  createdAt: { type: 'integer' },
  updatedAt: { type: 'integer' },
  publishedAt: { type: 'integer' },
  name: localizedTextSchema,
  changeNote: { type: 'string' },
};
export const storedPolicySchema: Schema = {
  type: 'object',
  properties: { ...metaProperties, document: componentRef('Policy', 'The policy document.') },
};
export const problemSchema: Schema = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    severity: { type: 'string', enum: ['error', 'warning'] },
    message: localizedTextSchema,
    path: { type: 'string' },
  },
};

/** The body of `POST …/versions/:version/simulate`: a submission of one of `processIds`, then its steps. */
export const simulateBodySchema = (processIds: readonly string[], commandTypes: readonly string[]): Schema => ({
  type: 'object',
  required: ['input'],
  additionalProperties: false,
  properties: {
    process: { enum: [...processIds], description: 'Default gridEscalation.' },
    input: { type: 'object', maxProperties: 100, description: 'The submission, as for POST /cases.' },
    steps: {
      type: 'array',
      maxItems: 50,
      items: {
        oneOf: [
          {
            type: 'object',
            required: ['type'],
            additionalProperties: false,
            properties: { type: { enum: [...commandTypes] }, input: { type: 'object', maxProperties: 100 } },
          },
          {
            type: 'object',
            required: ['advanceMs'],
            additionalProperties: false,
            properties: { advanceMs: { type: 'integer', minimum: 0, maximum: 31_536_000_000 } },
          },
        ],
      },
    },
    at: {
      type: 'integer',
      minimum: 0,
      maximum: 8_640_000_000_000,
      description: 'Simulated submission time (epoch ms; default now).',
    },
    lang: { type: 'string', enum: ['zh', 'en'] },
  },
});
