import type {
  CaseRecord,
  CaseStore,
  Clock,
  LocalizedText,
  Policy,
  PolicyValidationResult,
  Problem,
  Runtime,
} from '@gridflow/core';
import type { PolicyChange } from '@gridflow/core/policy';
import type { AttachmentStorage, S3Settings } from './attachments/index.js';
import type { LogLevel } from './http/requestLog.js';
import type { SqlClient } from './store/sql.js';

/**
 * The seams of the server. `createGridflowServer` (server.ts) builds one ServerContext and hands it to the HTTP
 * layer, the deadline worker, the demo seed and the CLI. Each part is an interface so tests can build a context
 * on PGlite or PostgreSQL and so parts are written apart.
 */
export interface ServerContext {
  config: ServerConfig;
  clock: ServerClock;
  sql: SqlClient;
  store: CaseStore;
  /** The runtime of a tenant (one per tenant, sharing the store; built lazily). */
  runtimeFor(tenant: string): Promise<Runtime>;
  policies: PolicyRepository;
  org: OrgRepository;
  events: CaseEventHub;
  close(): Promise<void>;
}

export interface ServerConfig {
  mode: 'demo' | 'production';
  port: number;
  host: string;
  /** postgres://… when using PostgreSQL; undefined for the embedded PGlite. */
  databaseUrl?: string;
  /** PostgreSQL only: the schema of Gridflow's tables (created when missing); default: the `search_path`. */
  databaseSchema?: string;
  /** PGlite data folder (default ./.gridflow/data). */
  dataDir: string;
  /** Tenant of the demo data. */
  demoTenant: string;
  /** Folder served at `/` (the demo portal). */
  portalDir: string;
  /** JWT verification: an HS256 secret, or a JWKS file path or URL. Production refuses to start without one. */
  jwt: { secret?: string; jwksFile?: string; jwksUrl?: string; issuer?: string; audience?: string };
  /** Allowed CORS origins (none by default). */
  corsOrigins: string[];
  bodyLimitBytes: number;
  /**
   * Uploaded photos and files. New ones go to `storage` (default `db`); a row is read from the storage it was
   * written to: the folder `dir`, or the object store `s3` when its settings are given.
   */
  attachments: { storage?: AttachmentStorage; dir: string; s3?: S3Settings; maxBytes: number; types: string[] };
  /** How often the deadline worker looks for due deadlines. */
  tickIntervalMs: number;
  /** Requests per caller (verified token) or, without one, per client address and window; `max` 0: no limit. */
  rateLimit: { max: number; windowMs: number };
  /**
   * Live updates (`GET /api/v1/events`): at most `maxStreamsPerCaller` open streams per caller (tenant and user)
   * in each server process (429 beyond), and a stream whose reader lets more than `maxBufferBytes` pile up
   * unread is closed (default 5 and 1 MiB).
   */
  events?: { maxStreamsPerCaller: number; maxBufferBytes: number };
  /**
   * Which reverse proxies' `X-Forwarded-For` is believed for the client address (and so the rate limit): their
   * addresses or CIDR ranges (also `loopback`, `linklocal`, `uniquelocal`), or how many proxy hops stand in front.
   * Unset: none (the address is the connection's).
   */
  trustProxy?: number | string[];
  /**
   * How long a submission still running holds its `Idempotency-Key` before a retry may take it over (default
   * 60 000 ms): a process killed mid-request leaves its key pending, and a retry gets 409 until then.
   */
  idempotencyStaleMs?: number;
  /**
   * The request log's level (Fastify's pino logger, JSON lines): every request and its answer at `info`, server
   * faults at `error` with the request id. Unset: no request log (faults go to the server's `log`); `gridflow
   * serve` logs at `info` then.
   */
  logLevel?: LogLevel;
  /**
   * Demo mode only: whether it may listen on a non-loopback `host` (default false: the server refuses to start,
   * since demo mode lets anyone list users, mint tokens and move the clock).
   */
  demoAllowRemote?: boolean;
}

/** The server's clock. In demo mode it can run faster or be moved forward through the API; never in production. */
export interface ServerClock extends Clock {
  readonly controllable: boolean;
  /** Demo only: how many simulated milliseconds pass per real one (1 = real time). */
  speed(): number;
  setSpeed(factor: number): void;
  /** Demo only: jumps forward. */
  advance(ms: number): void;
}

/** One stored policy version with its workflow state. */
export interface StoredPolicy {
  tenant: string;
  id: string;
  version: number;
  status: Policy['status'];
  document: Policy;
  author: string;
  /** Who approved or rejected it, when. */
  reviewedBy?: string;
  reviewNote?: string;
  reviewedAt?: number;
  /** Set when a reviewer approved it (status stays `in_review` until it is published). */
  approvedAt?: number;
  /** Everyone who wrote the draft besides the author (none of them may approve it). */
  editors?: string[];
  createdAt: number;
  updatedAt: number;
  publishedAt?: number;
}

/**
 * Policy versions per tenant and their workflow: draft → in_review → approved (still `in_review`, with
 * `approvedAt`) → published → retired; a rejection sends it back to draft. The author of a draft (and anyone who
 * edited it) cannot approve it. Publishing a version makes it the one new cases use; rolling back republishes an
 * earlier version as a new version number.
 */
export interface PolicyRepository {
  list(tenant: string, id?: string): Promise<StoredPolicy[]>;
  get(tenant: string, id: string, version: number): Promise<StoredPolicy | null>;
  /** Creates a draft (a copy of `from` or of the latest version) with the next version number. */
  createDraft(tenant: string, id: string, author: string, document?: Policy): Promise<StoredPolicy>;
  /** Replaces a draft's document (autosave); refuses non-drafts. Returns the validation problems too. */
  updateDraft(
    tenant: string,
    id: string,
    version: number,
    document: unknown,
    editor: string,
  ): Promise<{ policy: StoredPolicy; problems: Problem[] }>;
  submitForReview(tenant: string, id: string, version: number, actor: string): Promise<StoredPolicy>;
  approve(tenant: string, id: string, version: number, approver: string, note?: string): Promise<StoredPolicy>;
  reject(tenant: string, id: string, version: number, approver: string, note: string): Promise<StoredPolicy>;
  publish(tenant: string, id: string, version: number, actor: string): Promise<StoredPolicy>;
  rollback(tenant: string, id: string, toVersion: number, actor: string): Promise<StoredPolicy>;
  diff(tenant: string, id: string, from: number, to: number): Promise<PolicyChange[]>;
  /** Number of open cases each version governs. */
  openCaseCounts(tenant: string, id: string): Promise<{ version: number; open: number }[]>;
  /** Every tenant with a published policy (the worker and the runtime cache use it). */
  tenants(): Promise<string[]>;
  /**
   * Validates a document as every step of the workflow does: with the commands and facts of the processes the
   * server runs (built-in and composed in code), so their permission rows and custom rules are understood.
   */
  validate(document: unknown): PolicyValidationResult;
}

export const OrgUnitKind = {
  DISTRICT: 'district',
  STREET: 'street',
  COMMUNITY: 'community',
  GRID: 'grid',
  COMPOUND: 'compound',
  BUILDING: 'building',
  DEPARTMENT: 'department',
  PROPERTY_COMPANY: 'property_company',
  OWNERS_COMMITTEE: 'owners_committee',
} as const;
export type OrgUnitKind = (typeof OrgUnitKind)[keyof typeof OrgUnitKind];

/** One unit of the organisation tree (or beside it: departments, property companies, owners' committees). */
export interface OrgUnit {
  tenant: string;
  /** Unique within the tenant, e.g. `g-01`; referenced in cases as `grid:g-01`. */
  id: string;
  kind: OrgUnitKind;
  parentId: string | null;
  name: LocalizedText;
  /** GeoJSON Polygon or MultiPolygon geometry, WGS 84. */
  boundary?: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
  /** Free attributes (households, area, department code…). */
  attributes?: Record<string, unknown>;
}

/** A user known to the server (demo users; production users come in JWTs from the host portal). */
export interface DirectoryUser {
  tenant: string;
  id: string;
  name: string;
  roles: string[];
  /** `kind:id`, as in Actor.units. */
  units: string[];
}

export interface OrgRepository {
  tree(tenant: string): Promise<OrgUnit[]>;
  get(tenant: string, id: string): Promise<OrgUnit | null>;
  /** The grid (and its community, street) containing a point, by point-in-polygon over grid boundaries. */
  locate(
    tenant: string,
    point: { lng: number; lat: number },
  ): Promise<{ grid: string; community: string | null; street: string | null } | null>;
  users(tenant: string): Promise<DirectoryUser[]>;
  upsertUnits(units: OrgUnit[]): Promise<void>;
  upsertUsers(users: DirectoryUser[]): Promise<void>;
}

/** A change to a case, for live updates (SSE). */
export interface CaseChange {
  tenant: string;
  caseId: string;
  version: number;
  state: string;
  command: string;
  at: number;
}

/**
 * Live updates across every server process: a committed change is published (PostgreSQL NOTIFY, or in-process on
 * PGlite) and each process delivers it to its subscribers, who filter by what their user may see.
 */
export interface CaseEventHub {
  publish(change: CaseChange): Promise<void>;
  subscribe(tenant: string, listener: (change: CaseChange, record?: CaseRecord) => void): () => void;
}
