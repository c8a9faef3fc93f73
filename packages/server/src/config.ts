import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { GridflowError } from '@gridflow/core';
import type { AttachmentStorage, S3Settings } from './attachments/index.js';
import type { ServerConfig } from './context.js';
import { LOG_LEVELS, type LogLevel } from './http/requestLog.js';
import { DEFAULT_DATA_DIR } from './store/openStore.js';

/** One environment variable the server reads, for documentation (`gridflow serve --help`, docs/operations.md). */
export interface ConfigVariable {
  name: string;
  default: string;
  description: string;
}

/** Every environment variable {@link loadConfig} reads, with its default. */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  { name: 'PORT', default: '3000', description: 'HTTP port (1–65535).' },
  { name: 'HOST', default: '127.0.0.1', description: 'Interface to listen on; 0.0.0.0 for every interface.' },
  {
    name: 'GRIDFLOW_MODE',
    default: 'demo',
    description: 'demo (demo data, token endpoint, controllable clock) or production.',
  },
  {
    name: 'GRIDFLOW_DEMO_ALLOW_REMOTE',
    default: 'false',
    description:
      'true lets demo mode listen on a non-loopback HOST (anyone who reaches it can mint tokens and move the clock).',
  },
  { name: 'DATABASE_URL', default: '(unset: embedded PGlite)', description: 'postgres://… to use PostgreSQL.' },
  {
    name: 'GRIDFLOW_DB_SCHEMA',
    default: '(search_path, i.e. public)',
    description: 'PostgreSQL schema for Gridflow’s tables (created when missing).',
  },
  { name: 'GRIDFLOW_DATA_DIR', default: DEFAULT_DATA_DIR, description: 'PGlite data folder (one process per folder).' },
  {
    name: 'GRIDFLOW_DEMO_TENANT',
    default: 'demo',
    description: 'Tenant of the demo data and of the default policy on an empty database.',
  },
  { name: 'GRIDFLOW_PORTAL_DIR', default: 'examples/portal', description: 'Folder served at / (the demo portal).' },
  { name: 'GRIDFLOW_JWT_SECRET', default: '(unset)', description: 'HS256 secret (production: at least 32 bytes).' },
  { name: 'GRIDFLOW_JWKS_FILE', default: '(unset)', description: 'Path of a JWKS file with RS256/ES256 public keys.' },
  { name: 'GRIDFLOW_JWKS_URL', default: '(unset)', description: 'https URL of a JWKS (RS256/ES256).' },
  { name: 'GRIDFLOW_JWT_ISSUER', default: '(unset)', description: 'Required `iss` claim, when set.' },
  { name: 'GRIDFLOW_JWT_AUDIENCE', default: '(unset)', description: 'Required `aud` claim, when set.' },
  {
    name: 'GRIDFLOW_CORS_ORIGINS',
    default: '(none)',
    description: 'Comma-separated origins allowed by CORS, e.g. https://portal.example.gov.cn.',
  },
  { name: 'GRIDFLOW_BODY_LIMIT', default: '1mb', description: 'Largest JSON body: bytes, or with kb/mb.' },
  {
    name: 'GRIDFLOW_ATTACHMENT_STORAGE',
    default: 'db',
    description: 'Where new attachments’ bytes go: db (in the database), folder or s3.',
  },
  {
    name: 'GRIDFLOW_ATTACHMENTS_DIR',
    default: './.gridflow/attachments',
    description: 'Folder of folder storage (also read for attachments stored there earlier).',
  },
  { name: 'GRIDFLOW_S3_ENDPOINT', default: '(unset)', description: 'S3-compatible store: http(s) URL of the service.' },
  { name: 'GRIDFLOW_S3_BUCKET', default: '(unset)', description: 'S3 bucket of the attachments.' },
  { name: 'GRIDFLOW_S3_REGION', default: 'us-east-1', description: 'S3 signing region.' },
  { name: 'GRIDFLOW_S3_ACCESS_KEY_ID', default: '(unset)', description: 'S3 access key id.' },
  { name: 'GRIDFLOW_S3_SECRET_ACCESS_KEY', default: '(unset)', description: 'S3 secret access key (never logged).' },
  { name: 'GRIDFLOW_S3_PREFIX', default: '(none)', description: 'Start of every object key, e.g. gridflow/.' },
  {
    name: 'GRIDFLOW_S3_FORCE_PATH_STYLE',
    default: 'true',
    description: 'true: <endpoint>/<bucket>/<key> (MinIO, Ceph); false: <bucket>.<endpoint host>/<key> (AWS, OSS).',
  },
  { name: 'GRIDFLOW_ATTACHMENT_MAX', default: '10mb', description: 'Largest attachment: bytes, or with kb/mb.' },
  {
    name: 'GRIDFLOW_ATTACHMENT_TYPES',
    default: 'image/jpeg,image/png,image/webp,application/pdf',
    description: 'Comma-separated media types accepted as attachments.',
  },
  {
    name: 'GRIDFLOW_TICK_INTERVAL_MS',
    default: '1000',
    description: 'How often each process looks for due deadlines (100–600000).',
  },
  {
    name: 'GRIDFLOW_RATE_LIMIT_MAX',
    default: '1200',
    description:
      'Requests per caller (a valid token) or else per client address, and window, before 429 (0 turns the limit off).',
  },
  { name: 'GRIDFLOW_RATE_LIMIT_WINDOW_MS', default: '60000', description: 'Rate-limit window in milliseconds.' },
  {
    name: 'GRIDFLOW_IDEMPOTENCY_STALE_MS',
    default: '60000',
    description:
      'How long a submission still running holds its Idempotency-Key (1000–3600000): after that a retry takes the key over (the process that held it is taken to have died).',
  },
  {
    name: 'GRIDFLOW_EVENTS_MAX_STREAMS',
    default: '5',
    description: 'Open live-update streams (/api/v1/events) per caller and server process before 429 (1–1000).',
  },
  {
    name: 'GRIDFLOW_EVENTS_BUFFER_LIMIT',
    default: '1mb',
    description: 'Unread bytes a live-update stream may pile up before it is closed (bytes, or with kb/mb).',
  },
  {
    name: 'GRIDFLOW_TRUST_PROXY',
    default: '(none)',
    description:
      'Reverse proxies whose X-Forwarded-For gives the client address (and rate limit): comma-separated addresses or CIDRs (or loopback, linklocal, uniquelocal), or a hop count (1–10).',
  },
  {
    name: 'GRIDFLOW_LOG_LEVEL',
    default: 'info (gridflow serve)',
    description:
      'Request log level (JSON lines on stdout; tokens redacted): fatal, error, warn, info, debug, trace or silent.',
  },
];

/** The shipped demo portal: `examples/portal` of the repository (two levels above `src/` or `dist/`). */
const PORTAL_DIR = fileURLToPath(new URL('../../../examples/portal', import.meta.url));

/**
 * The configuration before any environment variable: demo mode, PGlite in `./.gridflow/data`, port 3000 on
 * 127.0.0.1. `createGridflowServer` starts from this and applies what it is given.
 *
 * @example
 * const config = { ...defaultConfig(), port: 0, dataDir: 'memory://' };
 * config.mode; // 'demo'
 */
export function defaultConfig(mode: ServerConfig['mode'] = 'demo'): ServerConfig {
  return {
    mode,
    port: 3000,
    host: '127.0.0.1',
    dataDir: DEFAULT_DATA_DIR,
    demoTenant: 'demo',
    portalDir: PORTAL_DIR,
    jwt: {},
    corsOrigins: [],
    bodyLimitBytes: 1024 * 1024,
    attachments: {
      storage: 'db',
      dir: './.gridflow/attachments',
      maxBytes: 10 * 1024 * 1024,
      types: ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'],
    },
    tickIntervalMs: 1_000,
    rateLimit: { max: 1_200, windowMs: 60_000 },
    idempotencyStaleMs: 60_000,
    events: { maxStreamsPerCaller: 5, maxBufferBytes: 1024 * 1024 },
    demoAllowRemote: false,
  };
}

/** One thing wrong with the configuration: the variable and why. */
export interface ConfigProblem {
  variable: string;
  message: { zh: string; en: string };
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the server configuration from environment variables (see {@link CONFIG_VARIABLES}) and checks it.
 * Empty values count as unset. Every invalid value is reported at once.
 *
 * Whether production has its keys is checked when the server starts ({@link assertStartable}), so `gridflow
 * migrate` runs without them.
 *
 * @throws GridflowError `config.invalid` (details: `{ problems: ConfigProblem[] }`, path: the first variable).
 * @example
 * loadConfig; // reads process.env when called without an argument
 * const config = loadConfig({ PORT: '0', GRIDFLOW_MODE: 'production', GRIDFLOW_JWT_SECRET: secret });
 * [config.mode, config.port]; // ['production', 0]
 * // loadConfig({ PORT: 'eighty' }) throws GridflowError config.invalid, naming PORT
 */
export function loadConfig(env: Env = process.env): ServerConfig {
  const problems: ConfigProblem[] = [];
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const bad = (variable: string, zh: string, en: string) => problems.push({ variable, message: { zh, en } });

  const modeText = get('GRIDFLOW_MODE') ?? 'demo';
  if (modeText !== 'demo' && modeText !== 'production') {
    bad(
      'GRIDFLOW_MODE',
      `应为 demo 或 production，而不是“${modeText}”`,
      `must be demo or production, not "${modeText}"`,
    );
  }
  const config = defaultConfig(modeText === 'production' ? 'production' : 'demo');

  const integer = (name: string, min: number, max: number, fallback: number): number => {
    const text = get(name);
    if (text === undefined) return fallback;
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      bad(
        name,
        `应为 ${min} 到 ${max} 之间的整数，而不是“${text}”`,
        `must be a whole number from ${min} to ${max}, not "${text}"`,
      );
      return fallback;
    }
    return n;
  };
  const size = (name: string, fallback: number): number => {
    const text = get(name);
    if (text === undefined) return fallback;
    const n = parseSize(text);
    if (n === undefined || n < 1 || n > 1024 ** 3) {
      bad(
        name,
        `应为 1 字节到 1gb 之间的大小（如 1048576、512kb、2mb），而不是“${text}”`,
        `must be a size from 1 byte to 1gb (e.g. 1048576, 512kb, 2mb), not "${text}"`,
      );
      return fallback;
    }
    return n;
  };
  const list = (name: string, fallback: string[]): string[] => {
    const text = get(name);
    return text === undefined
      ? fallback
      : text
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  };

  config.port = integer('PORT', 0, 65_535, config.port);
  config.host = get('HOST') ?? config.host;
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(config.host))
    bad('HOST', `不是有效的主机地址：“${config.host}”`, `is not a valid host: "${config.host}"`);
  const allowRemoteText = (get('GRIDFLOW_DEMO_ALLOW_REMOTE') ?? 'false').toLowerCase();
  const allowRemote = BOOLEANS.get(allowRemoteText);
  if (allowRemote === undefined) {
    bad(
      'GRIDFLOW_DEMO_ALLOW_REMOTE',
      `应为 true 或 false，而不是“${allowRemoteText}”`,
      `must be true or false, not "${allowRemoteText}"`,
    );
  } else config.demoAllowRemote = allowRemote;

  const databaseUrl = get('DATABASE_URL');
  if (databaseUrl !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
      bad('DATABASE_URL', '应以 postgres:// 或 postgresql:// 开头', 'must start with postgres:// or postgresql://');
    } else config.databaseUrl = databaseUrl;
  }
  const schema = get('GRIDFLOW_DB_SCHEMA');
  if (schema !== undefined) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      bad(
        'GRIDFLOW_DB_SCHEMA',
        '应为小写字母、数字和下划线组成的名称',
        'must be a plain lower-case name (a-z, 0-9, _)',
      );
    } else config.databaseSchema = schema;
  }
  config.dataDir = get('GRIDFLOW_DATA_DIR') ?? config.dataDir;
  config.demoTenant = get('GRIDFLOW_DEMO_TENANT') ?? config.demoTenant;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(config.demoTenant)) {
    bad('GRIDFLOW_DEMO_TENANT', '应为 1–64 个字母、数字、- 或 _', 'must be 1–64 letters, digits, - or _');
  }
  config.portalDir = get('GRIDFLOW_PORTAL_DIR') ?? config.portalDir;

  const jwt: ServerConfig['jwt'] = {};
  const secret = get('GRIDFLOW_JWT_SECRET');
  if (secret !== undefined) jwt.secret = secret;
  const jwksFile = get('GRIDFLOW_JWKS_FILE');
  if (jwksFile !== undefined) jwt.jwksFile = jwksFile;
  const jwksUrl = get('GRIDFLOW_JWKS_URL');
  if (jwksUrl !== undefined) {
    if (!isHttpUrl(jwksUrl)) bad('GRIDFLOW_JWKS_URL', '应为 http(s):// 地址', 'must be an http(s):// URL');
    else jwt.jwksUrl = jwksUrl;
  }
  const issuer = get('GRIDFLOW_JWT_ISSUER');
  if (issuer !== undefined) jwt.issuer = issuer;
  const audience = get('GRIDFLOW_JWT_AUDIENCE');
  if (audience !== undefined) jwt.audience = audience;
  config.jwt = jwt;

  config.corsOrigins = list('GRIDFLOW_CORS_ORIGINS', []);
  for (const origin of config.corsOrigins) {
    if (!isHttpUrl(origin) || new URL(origin).origin !== origin) {
      bad(
        'GRIDFLOW_CORS_ORIGINS',
        `“${origin}”不是来源（如 https://portal.example.gov.cn）`,
        `"${origin}" is not an origin (e.g. https://portal.example.gov.cn)`,
      );
    }
  }
  config.bodyLimitBytes = size('GRIDFLOW_BODY_LIMIT', config.bodyLimitBytes);
  const storageText = get('GRIDFLOW_ATTACHMENT_STORAGE') ?? 'db';
  const storage = STORAGES.find((s) => s === storageText);
  if (storage === undefined) {
    bad(
      'GRIDFLOW_ATTACHMENT_STORAGE',
      `应为 db、folder 或 s3，而不是“${storageText}”`,
      `must be db, folder or s3, not "${storageText}"`,
    );
  }
  const s3 = s3Settings(get, bad, storage === 's3');
  config.attachments = {
    storage: storage ?? 'db',
    dir: get('GRIDFLOW_ATTACHMENTS_DIR') ?? config.attachments.dir,
    ...(s3 ? { s3 } : {}),
    maxBytes: size('GRIDFLOW_ATTACHMENT_MAX', config.attachments.maxBytes),
    types: list('GRIDFLOW_ATTACHMENT_TYPES', config.attachments.types),
  };
  for (const type of config.attachments.types) {
    if (!/^[a-z0-9.+-]+\/[a-z0-9.+*-]+$/i.test(type)) {
      bad(
        'GRIDFLOW_ATTACHMENT_TYPES',
        `“${type}”不是媒体类型（如 image/png）`,
        `"${type}" is not a media type (e.g. image/png)`,
      );
    }
  }
  config.tickIntervalMs = integer('GRIDFLOW_TICK_INTERVAL_MS', 100, 600_000, config.tickIntervalMs);
  config.rateLimit = {
    max: integer('GRIDFLOW_RATE_LIMIT_MAX', 0, 1_000_000, config.rateLimit.max),
    windowMs: integer('GRIDFLOW_RATE_LIMIT_WINDOW_MS', 1_000, 86_400_000, config.rateLimit.windowMs),
  };
  config.idempotencyStaleMs = integer(
    'GRIDFLOW_IDEMPOTENCY_STALE_MS',
    1_000,
    3_600_000,
    config.idempotencyStaleMs ?? 60_000,
  );

  const events = config.events ?? { maxStreamsPerCaller: 5, maxBufferBytes: 1024 * 1024 };
  config.events = {
    maxStreamsPerCaller: integer('GRIDFLOW_EVENTS_MAX_STREAMS', 1, 1_000, events.maxStreamsPerCaller),
    maxBufferBytes: size('GRIDFLOW_EVENTS_BUFFER_LIMIT', events.maxBufferBytes),
  };

  const trustProxy = get('GRIDFLOW_TRUST_PROXY');
  if (trustProxy !== undefined) {
    if (/^\d+$/.test(trustProxy)) config.trustProxy = integer('GRIDFLOW_TRUST_PROXY', 1, 10, 1);
    else {
      const proxies = list('GRIDFLOW_TRUST_PROXY', []);
      const wrong = proxies.filter((p) => !isProxyAddress(p));
      if (wrong.length > 0 || proxies.length === 0)
        bad(
          'GRIDFLOW_TRUST_PROXY',
          `应为代理的地址或网段（如 10.0.0.5、10.0.0.0/8、loopback），以逗号分隔，或代理层数（1–10），而不是“${wrong.join(',') || trustProxy}”`,
          `must be proxy addresses or CIDR ranges (e.g. 10.0.0.5, 10.0.0.0/8, loopback), comma-separated, or a hop count (1–10), not "${wrong.join(',') || trustProxy}"`,
        );
      else config.trustProxy = proxies;
    }
  }

  const logLevelText = get('GRIDFLOW_LOG_LEVEL')?.toLowerCase();
  if (logLevelText !== undefined) {
    const level = LOG_LEVELS.find((l) => l === logLevelText);
    if (level === undefined)
      bad(
        'GRIDFLOW_LOG_LEVEL',
        `应为 ${LOG_LEVELS.join('、')} 之一，而不是“${logLevelText}”`,
        `must be one of ${LOG_LEVELS.join(', ')}, not "${logLevelText}"`,
      );
    else config.logLevel = level satisfies LogLevel;
  }

  if (problems.length > 0) throw invalidConfig(problems);
  return config;
}

const STORAGES: readonly AttachmentStorage[] = ['db', 'folder', 's3'];

/** The variables an S3-compatible store cannot do without. */
const S3_REQUIRED = [
  'GRIDFLOW_S3_ENDPOINT',
  'GRIDFLOW_S3_BUCKET',
  'GRIDFLOW_S3_ACCESS_KEY_ID',
  'GRIDFLOW_S3_SECRET_ACCESS_KEY',
] as const;

/**
 * The S3 settings, when storage is `s3` or any required S3 variable is set (a server storing elsewhere keeps
 * reading the attachments stored in S3 earlier); each missing required variable is a problem. Messages never
 * repeat the secret.
 */
function s3Settings(
  get: (name: string) => string | undefined,
  bad: (variable: string, zh: string, en: string) => void,
  required: boolean,
): S3Settings | undefined {
  const given = S3_REQUIRED.filter((name) => get(name) !== undefined);
  if (!required && given.length === 0) return undefined;
  for (const name of S3_REQUIRED) {
    if (get(name) !== undefined) continue;
    if (required)
      bad(
        name,
        '在 GRIDFLOW_ATTACHMENT_STORAGE 为 s3 时必须设置',
        'is required when GRIDFLOW_ATTACHMENT_STORAGE is s3',
      );
    else
      bad(
        name,
        `必须设置：S3 设置不完整（已设置 ${given.join('、')}）`,
        `is required: the S3 settings are incomplete (${given.join(', ')} set)`,
      );
  }
  let ok = true;

  const endpoint = get('GRIDFLOW_S3_ENDPOINT');
  if (endpoint !== undefined) {
    const url = isHttpUrl(endpoint) ? new URL(endpoint) : undefined;
    if (!url || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
      bad(
        'GRIDFLOW_S3_ENDPOINT',
        '应为不含查询参数和账号的 http(s):// 地址（如 https://s3.cn-north-1.amazonaws.com.cn）',
        'must be an http(s):// URL without a query or credentials (e.g. https://s3.cn-north-1.amazonaws.com.cn)',
      );
      ok = false;
    }
  }
  const bucket = get('GRIDFLOW_S3_BUCKET');
  if (bucket !== undefined && !/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/.test(bucket)) {
    bad(
      'GRIDFLOW_S3_BUCKET',
      `“${bucket}”不是有效的存储桶名称（3–63 个小写字母、数字、. 或 -）`,
      `"${bucket}" is not a valid bucket name (3–63 lower-case letters, digits, . or -)`,
    );
    ok = false;
  }
  const region = get('GRIDFLOW_S3_REGION') ?? 'us-east-1';
  if (!/^[A-Za-z0-9-]{1,64}$/.test(region)) {
    bad('GRIDFLOW_S3_REGION', `“${region}”不是有效的区域名称`, `"${region}" is not a region name (e.g. us-east-1)`);
    ok = false;
  }
  const prefix = get('GRIDFLOW_S3_PREFIX');
  if (
    prefix !== undefined &&
    prefix
      .split('/')
      .filter(Boolean)
      .some((s) => s === '.' || s === '..' || !/^[A-Za-z0-9._-]+$/.test(s))
  ) {
    bad(
      'GRIDFLOW_S3_PREFIX',
      '只能包含字母、数字、.、_、- 和 /（不含 . 或 .. 段）',
      'may contain only letters, digits, ., _, - and / (no . or .. segment)',
    );
    ok = false;
  }
  const pathStyleText = (get('GRIDFLOW_S3_FORCE_PATH_STYLE') ?? 'true').toLowerCase();
  const pathStyle = BOOLEANS.get(pathStyleText);
  if (pathStyle === undefined) {
    bad(
      'GRIDFLOW_S3_FORCE_PATH_STYLE',
      `应为 true 或 false，而不是“${pathStyleText}”`,
      `must be true or false, not "${pathStyleText}"`,
    );
    ok = false;
  }
  const accessKeyId = get('GRIDFLOW_S3_ACCESS_KEY_ID');
  const secretAccessKey = get('GRIDFLOW_S3_SECRET_ACCESS_KEY');
  if (
    !ok ||
    endpoint === undefined ||
    bucket === undefined ||
    accessKeyId === undefined ||
    secretAccessKey === undefined ||
    pathStyle === undefined
  )
    return undefined;
  return {
    endpoint,
    bucket,
    region,
    accessKeyId,
    secretAccessKey,
    ...(prefix === undefined ? {} : { prefix }),
    forcePathStyle: pathStyle,
  };
}

const BOOLEANS = new Map<string, boolean>([
  ['true', true],
  ['1', true],
  ['yes', true],
  ['false', false],
  ['0', false],
  ['no', false],
]);

/**
 * Whether a listening address is reachable from this machine only: `localhost`, 127.0.0.0/8 or `::1` (also
 * written `[::1]` or as the IPv4-mapped `::ffff:127.x.x.x`). `0.0.0.0`, `::` and every other address are not.
 *
 * @example
 * isLoopbackHost('127.0.0.1'); // true
 * isLoopbackHost('0.0.0.0'); // false
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v4);
  return m !== null && m.slice(1).every((part) => Number(part) <= 255);
}

/**
 * Refuses a configuration the server must not start with: demo mode (anyone may list users, mint tokens and move
 * the clock) on a non-loopback `HOST` unless `GRIDFLOW_DEMO_ALLOW_REMOTE` allows it; production without a JWT key
 * (secret, JWKS file or JWKS URL), or with an HS256 secret shorter than 32 bytes.
 *
 * @throws GridflowError `config.demo_remote`, `config.missing_keys` or `config.invalid`
 * @example
 * assertStartable({ ...defaultConfig('production'), jwt: { jwksUrl: 'https://sso.example.gov.cn/jwks.json' } }); // undefined
 */
export function assertStartable(config: ServerConfig): void {
  if (config.mode === 'demo') {
    if (!isLoopbackHost(config.host) && config.demoAllowRemote !== true) {
      throw new GridflowError(
        'config.demo_remote',
        {
          zh: `演示模式下任何人都能列出用户、签发令牌、拨动时钟，不能监听非本机地址 ${config.host}：请设置 HOST=127.0.0.1，或改用 GRIDFLOW_MODE=production；确需对外演示时设置 GRIDFLOW_DEMO_ALLOW_REMOTE=true。服务器未启动。`,
          en: `Demo mode lets anyone list users, mint tokens and move the clock, so it does not listen on the non-loopback address ${config.host}: set HOST=127.0.0.1, or GRIDFLOW_MODE=production; to show a demo to other machines on purpose, set GRIDFLOW_DEMO_ALLOW_REMOTE=true. The server did not start.`,
        },
        { path: 'HOST' },
      );
    }
    return;
  }
  const { secret, jwksFile, jwksUrl } = config.jwt;
  if (secret === undefined && jwksFile === undefined && jwksUrl === undefined) {
    throw new GridflowError(
      'config.missing_keys',
      {
        zh: '生产模式需要配置令牌验证密钥：请设置 GRIDFLOW_JWT_SECRET（HS256，至少 32 字节）、GRIDFLOW_JWKS_FILE 或 GRIDFLOW_JWKS_URL。服务器未启动。',
        en: 'Production mode needs a token verification key: set GRIDFLOW_JWT_SECRET (HS256, at least 32 bytes), GRIDFLOW_JWKS_FILE or GRIDFLOW_JWKS_URL. The server did not start.',
      },
      { path: 'GRIDFLOW_JWT_SECRET' },
    );
  }
  if (secret !== undefined && Buffer.byteLength(secret, 'utf8') < 32) {
    throw invalidConfig([
      {
        variable: 'GRIDFLOW_JWT_SECRET',
        message: { zh: '生产模式下 HS256 密钥至少需要 32 字节', en: 'must be at least 32 bytes in production (HS256)' },
      },
    ]);
  }
}

/** An address, a CIDR range or a named range (`loopback`, `linklocal`, `uniquelocal`) of trusted proxies. */
function isProxyAddress(text: string): boolean {
  if (text === 'loopback' || text === 'linklocal' || text === 'uniquelocal') return true;
  const [address = '', prefix, ...rest] = text.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Parses `1048576`, `512kb`, `2mb`, `1gb` (binary multiples, case-insensitive). */
function parseSize(text: string): number | undefined {
  const m = /^(\d+)\s*(b|kb|mb|gb)?$/i.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  const factor = unit === 'gb' ? 1024 ** 3 : unit === 'mb' ? 1024 ** 2 : unit === 'kb' ? 1024 : 1;
  const n = Number(m[1]) * factor;
  return Number.isSafeInteger(n) ? n : undefined;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function invalidConfig(problems: ConfigProblem[]): GridflowError {
  const zh = problems.map((p) => `${p.variable} ${p.message.zh}`).join('；');
  const en = problems.map((p) => `${p.variable} ${p.message.en}`).join('; ');
  return new GridflowError(
    'config.invalid',
    { zh: `配置有误：${zh}`, en: `Invalid configuration: ${en}` },
    { path: problems[0]?.variable ?? '', details: { problems } },
  );
}
