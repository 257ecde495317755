import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Deployment } from '@kubernetes/client-node';
import { findObject, loadDir } from './support/load.js';
import { compiledPath, exists, read } from './support/source.js';

/*
 * No container engine runs here, so the image is not built in tests. What can be checked is
 * that the Dockerfile is consistent with the repository: what it copies exists and is not
 * excluded by .dockerignore, the compiled paths follow tsconfig.json, and the runtime image
 * runs the same entry point and user the Deployment expects.
 */

interface Instruction {
  op: string;
  args: string;
}

const instructions: Instruction[] = read('Dockerfile')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'))
  .map((line) => {
    const space = line.indexOf(' ');
    return { op: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() };
  });

const stages = instructions.reduce<Instruction[][]>((acc, ins) => {
  if (ins.op === 'FROM') acc.push([]);
  acc.at(-1)?.push(ins);
  return acc;
}, []);
const finalStage = stages.at(-1) ?? [];
const ignored = read('.dockerignore')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const deployment = findObject<V1Deployment>(loadDir('manifests/operator'), 'Deployment', 'galera-operator');

describe('Dockerfile', () => {
  it('builds on Node 20 in stages', () => {
    assert.ok(stages.length >= 2);
    for (const stage of stages) assert.match(stage[0]!.args, /^node:20\b/);
  });

  it('copies from the build context only files that exist and are not ignored', () => {
    const sources = instructions
      .filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    assert.ok(sources.includes('package-lock.json') && sources.includes('src'), sources.join(' '));
    for (const source of sources) {
      assert.ok(exists(source), `${source} does not exist`);
      assert.ok(!ignored.includes(source), `${source} is excluded by .dockerignore`);
    }
  });

  it('compiles into the directory tsconfig.json names and ships it with production modules', () => {
    assert.ok(instructions.some((i) => i.op === 'RUN' && /\btsc -p tsconfig\.json\b/.test(i.args)));
    assert.ok(instructions.some((i) => i.op === 'RUN' && /npm ci --omit=dev/.test(i.args)));
    const distSrc = compiledPath('src/main.ts').replace(/\/main\.js$/, '');
    const copies = finalStage.filter((i) => i.op === 'COPY').map((i) => i.args);
    assert.ok(copies.some((c) => c.startsWith('--from=build') && c.includes(`/app/${distSrc}`)), copies.join(' | '));
    assert.ok(copies.some((c) => c.startsWith('--from=deps') && c.includes('/app/node_modules')), copies.join(' | '));
  });

  it('runs the operator entry point the Deployment runs, as a numeric non-root user', () => {
    const entrypoint = JSON.parse(finalStage.find((i) => i.op === 'ENTRYPOINT')!.args) as string[];
    const cmd = JSON.parse(finalStage.find((i) => i.op === 'CMD')!.args) as string[];
    const container = deployment.spec!.template.spec!.containers[0]!;
    assert.deepEqual([...entrypoint, ...cmd], container.command);
    assert.equal(cmd[0], `/app/${compiledPath('src/main.ts')}`);
    const user = finalStage.find((i) => i.op === 'USER')!.args;
    const [uid, gid] = user.split(':').map(Number);
    assert.ok(uid! > 0, 'non-root');
    const podSecurity = deployment.spec!.template.spec!.securityContext!;
    assert.equal(podSecurity.runAsUser, uid);
    assert.equal(podSecurity.runAsGroup, gid);
  });

  it('is the image the manifests name by default', () => {
    assert.match(read('Dockerfile'), /docker build -t galera-operator:dev \./);
    assert.equal(deployment.spec!.template.spec!.containers[0]!.image, 'galera-operator:dev');
  });
});
