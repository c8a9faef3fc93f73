#!/usr/bin/env node
// Browser tests run in Debian's Chromium. Install it when missing (as root, from Debian's packages);
// otherwise stop and say exactly what to do. Never downloads a browser from anywhere else.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = existsSync('/usr/bin/apt-get');
if (!isRoot || !hasApt) {
  console.error(
    `Chromium was not found at ${path}. The browser tests need Debian's chromium package:\n` +
      `  sudo apt-get update && sudo apt-get install -y chromium\n` +
      `or set CHROMIUM_PATH to an existing Chromium binary.`,
  );
  process.exit(1);
}
console.log('Installing Debian chromium for the browser tests (apt-get install -y chromium)…');
try {
  execSync('apt-get update -qq && apt-get install -y -qq chromium', {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
} catch {
  console.error('Installing chromium failed. Run: apt-get update && apt-get install -y chromium');
  process.exit(1);
}
if (!existsSync(path)) {
  console.error(`chromium was installed but ${path} does not exist; set CHROMIUM_PATH.`);
  process.exit(1);
}
