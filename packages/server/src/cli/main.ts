import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock, validatePolicy, localize, type Locale } from '@gridflow/core';
import { buildApp } from '../http/app.js';

const usage = `gridflow — the Gridflow server

Usage:
  gridflow serve                     start the HTTP server (PORT, default 3000)
  gridflow policy validate FILE      validate a policy JSON file
  options: --lang zh|en`;

/** Runs the CLI with the given arguments; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { lang: { type: 'string', default: 'zh' }, help: { type: 'boolean', short: 'h' } },
  });
  const lang: Locale = values.lang === 'en' ? 'en' : 'zh';
  const [command, sub, file] = positionals;
  if (values.help || !command) {
    console.log(usage);
    return command || values.help ? 0 : 2;
  }
  if (command === 'serve') {
    const port = Number(process.env.PORT ?? 3000);
    const portalDir = resolve(process.env.GRIDFLOW_PORTAL_DIR ?? 'examples/portal');
    const app = await buildApp({ clock: systemClock, portalDir });
    await app.listen({ port, host: process.env.HOST ?? '127.0.0.1' });
    console.log(`Gridflow is listening on http://localhost:${port}`);
    console.log(`  portal:  http://localhost:${port}/`);
    console.log(`  health:  http://localhost:${port}/healthz`);
    console.log(`  policy:  http://localhost:${port}/api/v1/policies/default`);
    const stop = () => void app.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return new Promise<number>(() => {});
  }
  if (command === 'policy' && sub === 'validate' && file) {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      console.error(lang === 'zh' ? `无法读取 ${file}：${String(error)}` : `Cannot read ${file}: ${String(error)}`);
      return 2;
    }
    const result = validatePolicy(doc);
    for (const p of result.problems) {
      console.log(`${p.severity.padEnd(7)} ${p.code.padEnd(32)} ${p.path || '/'}  ${localize(p.message, lang)}`);
    }
    console.log(result.valid ? (lang === 'zh' ? '政策有效' : 'Policy is valid') : lang === 'zh' ? '政策无效' : 'Policy is invalid');
    return result.valid ? 0 : 1;
  }
  console.error(usage);
  return 2;
}
