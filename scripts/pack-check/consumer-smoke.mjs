// Runs inside the fresh consumer project made by scripts/pack-install.mjs, with the packed tarballs installed:
// only the packages' public entry points, as an integrator would use them. Exits non-zero on any failure.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  builtInProcesses,
  createDefaultPolicy,
  createMemoryStore,
  createPolicyRegistry,
  createRuntime,
  systemClock,
} from '@gridflow/core';
import { createGridflowServer } from '@gridflow/server';

const here = fileURLToPath(new URL('.', import.meta.url));
for (const name of ['@gridflow/core', '@gridflow/server', '@gridflow/widgets', '@gridflow/designer']) {
  const resolved = fileURLToPath(import.meta.resolve(name));
  assert.ok(resolved.startsWith(here), `${name} resolves inside the consumer project, not to ${resolved}`);
}

const input = {
  category: 'noise',
  title: '夜间施工噪声',
  description: '小区旁工地夜间施工',
  source: 'patrol',
  anonymous: false,
  reporter: { id: 'u-resident', name: '张三', phone: '13800000000' },
  units: { grid: 'g-01', community: 'c-01', street: 's-01' },
  attributes: { location: '幸福小区 3 号楼', noise_source: 'construction' },
};
const worker = { id: 'u-grid-1', roles: ['grid_worker'], units: ['grid:g-01', 'community:c-01', 'street:s-01'] };

// 1. The runtime on an in-memory store.
const runtime = createRuntime({
  store: createMemoryStore(),
  clock: systemClock,
  policies: createPolicyRegistry([createDefaultPolicy()]),
  processes: builtInProcesses,
});
const submitted = await runtime.submit({ process: 'gridEscalation', input, actor: worker });
assert.equal(submitted.state, 'triage');
assert.equal(submitted.version, 1);
console.log(`runtime: case ${submitted.id} in ${submitted.state}`);

// 2. The server on PGlite in memory, on a free port, a case submitted over HTTP.
const secret = 'pack-check-secret-0123456789abcdef0123';
const server = await createGridflowServer({
  config: {
    mode: 'production',
    host: '127.0.0.1',
    port: 0,
    dataDir: 'memory://',
    demoTenant: 'pack-check',
    portalDir: '',
    jwt: { secret },
  },
  worker: { enabled: true },
});
try {
  await server.ctx.org.upsertUnits(
    [
      ['s-01', 'street', null],
      ['c-01', 'community', 's-01'],
      ['g-01', 'grid', 'c-01'],
    ].map(([id, kind, parentId]) => ({ tenant: 'pack-check', id, kind, parentId, name: { zh: id, en: id } })),
  );
  const address = await server.listen();
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: worker.id, tenant: 'pack-check', roles: worker.roles, units: worker.units, iat: now, exp: now + 600 })}`;
  const token = `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
  const response = await fetch(`${address}/api/v1/cases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ process: 'gridEscalation', input }),
  });
  const body = await response.json();
  assert.equal(response.status, 201, JSON.stringify(body));
  assert.equal(body.state, 'triage');
  const ready = await fetch(`${address}/readyz`);
  assert.equal(ready.status, 200);
  console.log(`server: ${address} answered 201, case ${body.id} in ${body.state}; /readyz 200`);
} finally {
  await server.close();
}
console.log(`consumer smoke passed on Node ${process.version}`);
