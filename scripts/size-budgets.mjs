#!/usr/bin/env node
// Size budgets for what a page downloads: gzipped size of each self-contained browser bundle.
// Fails (exit 1) when a bundle is missing or over its budget; prints a table either way.
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const budgets = JSON.parse(readFileSync(new URL('../size-budgets.json', import.meta.url), 'utf8'));
let failed = false;
const rows = [];
for (const { file, maxGzipKB } of budgets) {
  const path = new URL(`../${file}`, import.meta.url);
  if (!existsSync(path)) {
    rows.push({ file, gzipKB: 'missing', maxGzipKB, ok: false });
    failed = true;
    continue;
  }
  const raw = readFileSync(path);
  const gzipKB = +(gzipSync(raw, { level: 9 }).length / 1024).toFixed(1);
  const ok = gzipKB <= maxGzipKB;
  if (!ok) failed = true;
  rows.push({ file, rawKB: +(raw.length / 1024).toFixed(1), gzipKB, maxGzipKB, ok });
}
console.table(rows);
if (failed) {
  console.error('Size budget exceeded or bundle missing (run `npm run build` first).');
  process.exit(1);
}
