import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '@gridflow/core';
import type { DirectoryUser, ServerConfig } from '../context.js';
import { httpErrors } from './errors.js';

/** Who is calling: the actor the runtime checks, and the tenant every query is confined to. */
export interface Caller {
  actor: Actor;
  tenant: string;
  /** When the token expires (ms since the epoch, its `exp` claim), if it does: an event stream ends then. */
  expiresAt?: number;
}

/** The claims Gridflow reads from the host portal's JWT. */
export interface GridflowClaims extends JWTPayload {
  sub: string;
  name?: string;
  tenant: string;
  roles: string[];
  /** Org units as `kind:id`, e.g. `grid:g-01`. */
  units: string[];
}

/** A tenant id: letters, digits, `_`, `-`, `.`; not only dots. */
export const TENANT_PATTERN = /^(?!\.+$)[A-Za-z0-9_.-]{1,64}$/;
const UNIT_PATTERN = /^[a-z_]+:[A-Za-z0-9_.:-]{1,120}$/;
const ROLE_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** Verifies bearer tokens: returns the caller, or throws 401 `auth.invalid_token`. */
export type TokenVerifier = (token: string) => Promise<Caller>;

const HS = ['HS256'] as const;
const ASYMMETRIC = ['RS256', 'ES256'] as const;

/**
 * Builds the verifier from configuration: an HS256 secret, and/or RS256/ES256 keys from a JWKS file or URL. With
 * neither, every token is refused (production refuses to start without one; see the config loader).
 *
 * @example
 * const verify = createTokenVerifier({ secret: process.env.GRIDFLOW_JWT_SECRET });
 * const caller = await verify(token); // { actor: { id, roles, units }, tenant }
 */
export function createTokenVerifier(jwt: ServerConfig['jwt']): TokenVerifier {
  // Imported once: handing jose the raw bytes would import a key on every verification (about 40 µs each).
  const secret = jwt.secret
    ? crypto.subtle.importKey('raw', new TextEncoder().encode(jwt.secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'verify',
      ])
    : undefined;
  let jwks: JWTVerifyGetKey | undefined;
  if (jwt.jwksFile) jwks = createLocalJWKSet(JSON.parse(readFileSync(jwt.jwksFile, 'utf8')) as JSONWebKeySet);
  else if (jwt.jwksUrl) jwks = createRemoteJWKSet(new URL(jwt.jwksUrl));
  const algorithms = [...(secret ? HS : []), ...(jwks ? ASYMMETRIC : [])];
  const options = {
    algorithms,
    ...(jwt.issuer ? { issuer: jwt.issuer } : {}),
    ...(jwt.audience ? { audience: jwt.audience } : {}),
  };

  const key: JWTVerifyGetKey = async (header, token) => {
    if (header.alg === 'HS256') {
      if (!secret) throw new joseErrors.JOSEAlgNotAllowed('HS256 tokens are not accepted');
      return secret;
    }
    if (!jwks) throw new joseErrors.JOSEAlgNotAllowed(`${header.alg ?? 'unknown'} tokens are not accepted`);
    return jwks(header, token);
  };

  return async (token) => {
    if (algorithms.length === 0) throw httpErrors.invalidToken('no verification key is configured');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, options));
    } catch (error) {
      throw httpErrors.invalidToken(tokenProblem(error));
    }
    return callerFromClaims(payload);
  };
}

/** Why a token was refused, in words a caller can act on (never the JWT library's internal codes). */
function tokenProblem(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'it has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `its ${error.claim} claim is not accepted`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported)
    return 'its signing algorithm is not accepted';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'its signature does not verify';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no key matches it';
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid)
    return 'the signing keys cannot be read right now';
  return 'it is not a well-formed signed JWT';
}

function stringArray(value: unknown, pattern: RegExp): string[] | null {
  if (!Array.isArray(value) || value.length > 100) return null;
  return value.every((v): v is string => typeof v === 'string' && pattern.test(v)) ? value : null;
}

/** Checks the Gridflow claims of a verified token and builds the caller. */
export function callerFromClaims(payload: JWTPayload): Caller {
  const { sub, tenant, name } = payload as Partial<GridflowClaims>;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200)
    throw httpErrors.invalidToken('claim sub is missing');
  if (typeof tenant !== 'string' || !TENANT_PATTERN.test(tenant))
    throw httpErrors.invalidToken('claim tenant is missing or invalid');
  const roles = stringArray(payload.roles, ROLE_PATTERN);
  if (!roles) throw httpErrors.invalidToken('claim roles must be a list of role codes');
  const units = payload.units === undefined ? [] : stringArray(payload.units, UNIT_PATTERN);
  if (!units) throw httpErrors.invalidToken('claim units must be a list of kind:id units');
  if (name !== undefined && (typeof name !== 'string' || name.length > 200))
    throw httpErrors.invalidToken('claim name must be text');
  // `system` is the runtime's own actor, which skips permission checks: no token may claim it.
  if (sub === 'system' || roles.includes('system')) throw httpErrors.invalidToken('the system actor cannot log in');
  return {
    tenant,
    actor: { id: sub, roles, units, ...(name ? { name } : {}) },
    ...(typeof payload.exp === 'number' ? { expiresAt: payload.exp * 1000 } : {}),
  };
}

/**
 * The bearer token of a request: the `Authorization` header, or, on the routes a browser cannot give headers to
 * (the event stream, attachment downloads), an `access_token` query parameter.
 */
export function bearerToken(request: FastifyRequest, allowQuery: boolean): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw httpErrors.invalidToken('the Authorization header must be "Bearer <token>"');
    return match[1];
  }
  if (allowQuery) {
    const query = request.query as Record<string, unknown> | undefined;
    const token = query?.access_token;
    if (typeof token === 'string' && token.length > 0) return token;
  }
  return undefined;
}

/**
 * Signs a demo token for a seeded user (demo mode only), HS256 with the configured secret, valid 12 hours.
 *
 * @example
 * const token = await signDemoToken('s3cret', user);
 */
export async function signDemoToken(
  secret: string,
  user: DirectoryUser,
  options: { issuer?: string; audience?: string; expiresIn?: string } = {},
): Promise<string> {
  let jwt = new SignJWT({ name: user.name, tenant: user.tenant, roles: user.roles, units: user.units, demo: true })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
