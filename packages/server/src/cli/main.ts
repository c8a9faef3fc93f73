import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  builtInProcesses,
  createDefaultPolicy,
  isGridflowError,
  systemClock,
  validatePolicy,
  type Locale,
  type ProcessDefinition,
  type Problem,
} from '@gridflow/core';
import { validationOptionsFor } from '@gridflow/core/policy';
import { CONFIG_VARIABLES, isLoopbackHost, loadConfig } from '../config.js';
import type { ServerConfig } from '../context.js';
import { policyResolver, rebuildIndicators } from '../indicators/index.js';
import { createOrgRepository } from '../org/index.js';
import { createPolicyRepository } from '../policies/index.js';
import { createGridflowServer, seedOnce } from '../server.js';
import { openStore, redactUrl } from '../store/index.js';
import { createTenant } from '../tenants.js';

/** Where the CLI writes: replaceable in tests. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); `serve` then closes the server. */
  stopSignal?: () => Promise<void>;
}

const usage = `gridflow — the Gridflow server / Gridflow 服务器

Usage / 用法:
  gridflow serve                              start the server / 启动服务器
  gridflow migrate                            bring the database schema up to date / 升级数据库结构
  gridflow seed [--force]                     seed the demo data / 写入演示数据
  gridflow policy validate FILE               check a policy document (exit 1 when invalid) / 校验政策文件
  gridflow policy publish FILE --author NAME [--tenant TENANT] [--note TEXT]
                                              validate and publish as a new version / 校验并发布为新版本
  gridflow tenant create ID [--policy FILE] [--org FILE] [--author NAME]
                                              create a tenant with its own policy (default policy unless FILE)
                                              and organisation / 新建租户（含政策与组织）
  gridflow indicators rebuild [--tenant TENANT]
                                              rebuild the indicator projection from history / 由历史重建考核指标投影
Options / 选项: --lang zh|en (messages in one language; default both), -h, --help
  --processes MODULE   processes composed in code to run and validate policies with, besides the built-in ones:
                       a JavaScript module exporting \`processes\` (an array) or a default array
                       (or GRIDFLOW_PROCESSES=MODULE) / 代码中组合的流程模块

Configuration (environment variables) / 配置（环境变量）:
${CONFIG_VARIABLES.map((v) => `  ${v.name.padEnd(30)} ${v.description} [${v.default}]`).join('\n')}`;

const defaultIo = (): CliIo => ({
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
  stopSignal: () =>
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }),
});

/** A usage mistake: printed with the usage, exit code 2. */
class UsageError extends Error {}

/**
 * Runs the CLI with the given arguments and returns the process exit code: 0 success, 1 failure (an invalid
 * policy, a database that does not answer…), 2 a usage mistake. Errors are printed as messages (both languages,
 * or `--lang`), never as stack traces.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  let lang: Locale | undefined;
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        lang: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        author: { type: 'string' },
        tenant: { type: 'string' },
        note: { type: 'string' },
        force: { type: 'boolean' },
        processes: { type: 'string' },
        policy: { type: 'string' },
        org: { type: 'string' },
      },
    });
    if (values.lang !== undefined && values.lang !== 'zh' && values.lang !== 'en')
      throw new UsageError(`--lang must be zh or en`);
    lang = values.lang;
    const [command, sub, file, ...rest] = positionals;
    if (values.help) {
      io.out(usage);
      return 0;
    }
    if (rest.length > 0) throw new UsageError(`Unexpected arguments: ${rest.join(' ')}`);
    const processesModule = values.processes ?? io.env.GRIDFLOW_PROCESSES;
    const processes = processesModule ? await loadProcesses(processesModule, lang) : [];
    switch (command) {
      case 'serve':
        return await serve(loadConfig(io.env), io, lang, processes);
      case 'migrate':
        return await migrateCommand(loadConfig(io.env), io, lang);
      case 'seed':
        return await seedCommand(loadConfig(io.env), io, lang, values.force === true);
      case 'policy': {
        if (sub !== 'validate' && sub !== 'publish') throw new UsageError('policy needs validate or publish');
        if (!file) throw new UsageError(`policy ${sub} needs a FILE`);
        if (sub === 'validate') return validateCommand(file, io, lang, processes);
        if (!values.author?.trim()) throw new UsageError('policy publish needs --author NAME');
        const config = loadConfig(io.env);
        return await publishCommand(file, config, io, lang, {
          author: values.author.trim(),
          tenant: values.tenant ?? config.demoTenant,
          note: values.note,
          processes,
        });
      }
      case 'tenant': {
        if (sub !== 'create') throw new UsageError('tenant needs create');
        if (file === undefined) throw new UsageError('tenant create needs an ID');
        return await tenantCreateCommand(file, loadConfig(io.env), io, lang, {
          policy: values.policy,
          org: values.org,
          author: values.author?.trim() || 'gridflow',
          processes,
        });
      }
      case 'indicators': {
        if (sub !== 'rebuild') throw new UsageError('indicators needs rebuild');
        if (file !== undefined) throw new UsageError(`Unexpected arguments: ${file}`);
        return await rebuildCommand(loadConfig(io.env), io, lang, values.tenant);
      }
      case undefined:
        throw new UsageError('No command given');
      default:
        throw new UsageError(`Unknown command: ${command}`);
    }
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
    ) {
      io.err(error.message);
      io.err(usage);
      return 2;
    }
    printError(error, io, lang);
    return 1;
  }
}

/** Pads to a display width (CJK characters take two columns). */
function pad(text: string, width: number): string {
  let w = 0;
  for (const ch of text)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch)
      ? 2
      : 1;
  return text + ' '.repeat(Math.max(1, width - w));
}

const say = (lang: Locale | undefined, zh: string, en: string): string =>
  lang === 'zh' ? zh : lang === 'en' ? en : `${zh}\n${en}`;

function printError(error: unknown, io: CliIo, lang: Locale | undefined): void {
  if (isGridflowError(error)) {
    const where = error.path ? ` (${error.path})` : '';
    if (lang !== 'en') io.err(`错误 [${error.code}]${where}：${error.messages.zh}`);
    if (lang !== 'zh') io.err(`Error [${error.code}]${where}: ${error.messages.en}`);
    return;
  }
  const code = (error as { code?: unknown }).code;
  const message =
    error instanceof Error ? error.message || (typeof code === 'string' ? code : error.name) : String(error);
  io.err(say(lang, `失败：${message}`, `Failed: ${message}`));
}

/**
 * The processes a module composed in code: its `processes` export (an array of process definitions) or its default
 * export (an array, or one definition). Anything else is a clear error.
 */
async function loadProcesses(module: string, lang: Locale | undefined): Promise<ProcessDefinition[]> {
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(resolve(module)).href)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      say(lang, `无法加载流程模块 ${module}：${reason}`, `Cannot load the process module ${module}: ${reason}`),
      {
        cause: error,
      },
    );
  }
  const found = loaded.processes ?? loaded.default;
  const list: unknown[] = Array.isArray(found) ? found : found ? [found] : [];
  const isProcess = (p: unknown): p is ProcessDefinition =>
    typeof p === 'object' &&
    p !== null &&
    typeof (p as ProcessDefinition).id === 'string' &&
    typeof (p as ProcessDefinition).createMachine === 'function' &&
    Array.isArray((p as ProcessDefinition).commands);
  if (list.length === 0 || !list.every(isProcess)) {
    throw new Error(
      say(
        lang,
        `流程模块 ${module} 应导出 processes（流程定义数组）或默认导出流程定义`,
        `The process module ${module} must export \`processes\` (an array of process definitions) or a default one`,
      ),
    );
  }
  return list;
}

async function serve(
  config: ServerConfig,
  io: CliIo,
  lang: Locale | undefined,
  processes: ProcessDefinition[],
): Promise<number> {
  const server = await createGridflowServer({
    // Request logs are on when serving (JSON lines on stdout), at GRIDFLOW_LOG_LEVEL or `info`.
    config: { ...config, logLevel: config.logLevel ?? 'info' },
    processes,
    logStream: { write: (line) => io.out(line.replace(/\n$/, '')) },
    log: (level, message, error) => {
      if (level === 'error') printError(error ?? new Error(message), io, lang);
      else io.out(message);
    },
  });
  let address: string;
  try {
    address = await server.listen();
  } catch (error) {
    await server.close();
    throw error;
  }
  const base = address
    .replace('://0.0.0.0', '://localhost')
    .replace('://127.0.0.1', '://localhost')
    .replace('://[::1]', '://localhost');
  const where = config.databaseUrl ? `PostgreSQL ${redactUrl(config.databaseUrl)}` : `PGlite ${config.dataDir}`;
  io.out(
    say(
      lang,
      `Gridflow 已启动（${config.mode === 'demo' ? '演示模式' : '生产模式'}，${where}）`,
      `Gridflow is running (${config.mode} mode, ${where})`,
    ),
  );
  io.out(`  portal / 门户:         ${base}/`);
  io.out(`  API:                   ${base}/api/v1`);
  io.out(`  OpenAPI:               ${base}/openapi.json`);
  io.out(`  API reference / 文档:  ${base}/docs`);
  io.out(`  health / 健康检查:     ${base}/healthz`);
  if (server.startup.seeded) io.out(say(lang, '  已写入演示数据', '  Demo data seeded'));
  if (config.mode === 'demo') {
    // Demo mode hands out tokens and the clock to whoever can reach it: say who that is.
    io.out(
      isLoopbackHost(config.host)
        ? say(
            lang,
            `  演示模式只监听本机（${config.host}）：本机任何人都能列出用户、签发令牌、拨动时钟`,
            `  Demo mode listens on this machine only (${config.host}): anyone on it can list users, mint tokens and move the clock`,
          )
        : say(
            lang,
            `  警告：演示模式正监听非本机地址 ${config.host}（GRIDFLOW_DEMO_ALLOW_REMOTE=true）：任何能访问它的人都能列出用户、签发令牌、拨动时钟`,
            `  WARNING: demo mode is listening on the non-loopback address ${config.host} (GRIDFLOW_DEMO_ALLOW_REMOTE=true): anyone who reaches it can list users, mint tokens and move the clock`,
          ),
    );
    const users = await server.ctx.org.users(config.demoTenant).catch(() => []);
    if (users.length > 0) {
      io.out(
        say(
          lang,
          `演示账号（租户 ${config.demoTenant}，仅限演示，无需密码）：`,
          `Demo logins (tenant ${config.demoTenant}, demo only, no password):`,
        ),
      );
      for (const u of users) io.out(`  ${pad(u.id, 24)} ${pad(u.roles.join(', '), 22)} ${u.name}`);
      const example = JSON.stringify({ userId: (users.find((u) => u.roles.includes('grid_worker')) ?? users[0]!).id });
      io.out(
        say(
          lang,
          `  令牌：POST ${base}/api/v1/demo/token  ${example}（仅演示模式）`,
          `  token: POST ${base}/api/v1/demo/token  ${example} (demo mode only)`,
        ),
      );
    }
  }
  await (io.stopSignal?.() ?? new Promise<void>(() => undefined));
  await server.close();
  return 0;
}

async function migrateCommand(config: ServerConfig, io: CliIo, lang: Locale | undefined): Promise<number> {
  const opened = await openStore({
    ...(config.databaseUrl === undefined ? { dataDir: config.dataDir } : { databaseUrl: config.databaseUrl }),
    ...(config.databaseSchema === undefined ? {} : { schema: config.databaseSchema }),
  });
  await opened.close();
  const { applied, version } = opened.migrations;
  io.out(
    applied.length === 0
      ? say(lang, `数据库结构已是最新（第 ${version} 版）`, `The database schema is up to date (version ${version})`)
      : say(
          lang,
          `已升级数据库结构至第 ${version} 版（应用了 ${applied.join(', ')}）`,
          `Migrated the database schema to version ${version} (applied ${applied.join(', ')})`,
        ),
  );
  return 0;
}

async function seedCommand(config: ServerConfig, io: CliIo, lang: Locale | undefined, force: boolean): Promise<number> {
  const server = await createGridflowServer({ config, seed: false, worker: { enabled: false } });
  try {
    const seeded = await seedOnce(server.ctx, { force });
    io.out(
      seeded
        ? say(lang, `已为租户 ${config.demoTenant} 写入演示数据`, `Seeded the demo data of tenant ${config.demoTenant}`)
        : say(
            lang,
            `租户 ${config.demoTenant} 已有演示数据（用 --force 再写一次）`,
            `Tenant ${config.demoTenant} already has its demo data (--force seeds again)`,
          ),
    );
    return 0;
  } finally {
    await server.close();
  }
}

function readJson(file: string, lang: Locale | undefined): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason =
      (error as { code?: string }).code === 'ENOENT'
        ? say(lang, '文件不存在', 'no such file')
        : String((error as Error).message);
    throw new Error(say(lang, `无法读取 ${file}：${reason}`, `Cannot read ${file}: ${reason}`), { cause: error });
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new Error(
      say(
        lang,
        `${file} 不是有效的 JSON：${(error as Error).message}`,
        `${file} is not valid JSON: ${(error as Error).message}`,
      ),
      { cause: error },
    );
  }
}

function printProblems(problems: Problem[], io: CliIo, lang: Locale | undefined): void {
  for (const p of problems) {
    io.out(`${p.severity.padEnd(7)} ${p.code}  ${p.path || '/'}`);
    if (lang !== 'en') io.out(`        ${p.message.zh}`);
    if (lang !== 'zh') io.out(`        ${p.message.en}`);
  }
}

function validateCommand(
  file: string,
  io: CliIo,
  lang: Locale | undefined,
  processes: readonly ProcessDefinition[],
): number {
  const result = validatePolicy(readJson(file, lang), validationOptionsFor([...builtInProcesses, ...processes]));
  printProblems(result.problems, io, lang);
  const errors = result.problems.filter((p) => p.severity === 'error').length;
  const warnings = result.problems.length - errors;
  io.out(
    result.valid
      ? say(lang, `政策有效（${warnings} 个警告）`, `The policy is valid (${warnings} warning(s))`)
      : say(
          lang,
          `政策无效：${errors} 个错误，${warnings} 个警告`,
          `The policy is invalid: ${errors} error(s), ${warnings} warning(s)`,
        ),
  );
  return result.valid ? 0 : 1;
}

async function publishCommand(
  file: string,
  config: ServerConfig,
  io: CliIo,
  lang: Locale | undefined,
  options: { author: string; tenant: string; note: string | undefined; processes: readonly ProcessDefinition[] },
): Promise<number> {
  const document = readJson(file, lang);
  const processes = [...builtInProcesses, ...options.processes];
  const result = validatePolicy(document, validationOptionsFor(processes));
  if (!result.valid) {
    printProblems(result.problems, io, lang);
    io.err(say(lang, '政策无效，未发布', 'The policy is invalid and was not published'));
    return 1;
  }
  const opened = await openStore({
    ...(config.databaseUrl === undefined ? { dataDir: config.dataDir } : { databaseUrl: config.databaseUrl }),
    ...(config.databaseSchema === undefined ? {} : { schema: config.databaseSchema }),
  });
  const policies = createPolicyRepository(opened.client, systemClock, { processes });
  try {
    const stored = await policies.publishDocument(options.tenant, document, options.author, {
      note: options.note ?? `published with gridflow policy publish ${file}`,
    });
    io.out(
      say(
        lang,
        `已发布政策 ${stored!.id} 第 ${stored!.version} 版（租户 ${options.tenant}，发布人 ${options.author}）`,
        `Published policy ${stored!.id} version ${stored!.version} (tenant ${options.tenant}, by ${options.author})`,
      ),
    );
    return 0;
  } finally {
    await policies.close();
    await opened.close();
  }
}

/**
 * `gridflow tenant create ID`: a new tenant with its own policy (the default policy, or `--policy FILE`, validated
 * with every problem printed) and organisation (`--org FILE`, validated as org imports are). Refuses an invalid id
 * or an existing tenant, changing nothing.
 */
async function tenantCreateCommand(
  id: string,
  config: ServerConfig,
  io: CliIo,
  lang: Locale | undefined,
  options: {
    policy: string | undefined;
    org: string | undefined;
    author: string;
    processes: readonly ProcessDefinition[];
  },
): Promise<number> {
  const processes = [...builtInProcesses, ...options.processes];
  const document = options.policy === undefined ? createDefaultPolicy() : readJson(options.policy, lang);
  const result = validatePolicy(document, validationOptionsFor(processes));
  if (!result.valid) {
    printProblems(result.problems, io, lang);
    io.err(say(lang, `政策无效，未创建租户 ${id}`, `The policy is invalid; the tenant ${id} was not created`));
    return 1;
  }
  const orgFile = options.org === undefined ? [] : readJson(options.org, lang);
  const opened = await openStore({
    ...(config.databaseUrl === undefined ? { dataDir: config.dataDir } : { databaseUrl: config.databaseUrl }),
    ...(config.databaseSchema === undefined ? {} : { schema: config.databaseSchema }),
  });
  const policies = createPolicyRepository(opened.client, systemClock, { processes });
  try {
    const made = await createTenant(
      { sql: opened.client, policies, org: createOrgRepository(opened.client) },
      { id, policy: document, org: orgFile, author: options.author },
    );
    io.out(
      say(
        lang,
        `已创建租户 ${id}：政策 ${made.policy.id} 第 ${made.policy.version} 版，${made.units} 个组织单元，${made.users} 个用户`,
        `Created tenant ${id}: policy ${made.policy.id} version ${made.policy.version}, ${made.units} org unit(s), ${made.users} user(s)`,
      ),
    );
    return 0;
  } finally {
    await policies.close();
    await opened.close();
  }
}

/**
 * `gridflow indicators rebuild`: recomputes the indicator projection of every case (of one tenant with
 * `--tenant`) from its history, in batches; the server may keep running meanwhile.
 */
async function rebuildCommand(
  config: ServerConfig,
  io: CliIo,
  lang: Locale | undefined,
  tenant: string | undefined,
): Promise<number> {
  const opened = await openStore({
    ...(config.databaseUrl === undefined ? { dataDir: config.dataDir } : { databaseUrl: config.databaseUrl }),
    ...(config.databaseSchema === undefined ? {} : { schema: config.databaseSchema }),
  });
  try {
    const started = Date.now();
    const report = await rebuildIndicators(opened.client, policyResolver(), tenant === undefined ? {} : { tenant });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    io.out(
      say(
        lang,
        `已由历史重建考核指标投影：${report.tenants} 个租户，${report.cases} 件案件，${report.rows} 行（${seconds} 秒）`,
        `Rebuilt the indicator projection from history: ${report.tenants} tenant(s), ${report.cases} cases, ${report.rows} rows (${seconds} s)`,
      ),
    );
    return 0;
  } finally {
    await opened.close();
  }
}
