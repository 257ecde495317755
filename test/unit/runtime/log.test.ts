import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/log.js';
import { redactSecrets, redactText, REDACTED } from '../../../src/runtime/redact.js';

function captureLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const log = createLogger('test', { level: 'debug', destination });
  return { log, lines };
}

const PASSWORD = 'Sup3r-s3cret-Value!';

test('a password in a logged object never reaches the output', () => {
  const { log, lines } = captureLogger();
  log.info({ user: 'app', password: PASSWORD, rootPassword: PASSWORD, nested: { db: { appPassword: PASSWORD } } }, 'connecting');
  log.info({ headers: { Authorization: `Bearer ${PASSWORD}` }, token: PASSWORD }, 'request');
  log.info({ secret: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { 'root-password': Buffer.from(PASSWORD).toString('base64') } } });
  log.child({ password: PASSWORD }).warn('child binding');
  log.error(new Error(`access denied for password=${PASSWORD}`));
  log.info(`dsn mysql://root:${PASSWORD}@127.0.0.1:3306/x`);
  assert.equal(lines.length, 6);
  const all = lines.join('\n');
  assert.ok(!all.includes(PASSWORD), `password leaked: ${all}`);
  assert.ok(!all.includes(Buffer.from(PASSWORD).toString('base64')), 'secret data leaked');
  const first = JSON.parse(lines[0]!);
  assert.equal(first.user, 'app');
  assert.equal(first.password, REDACTED);
  assert.equal(first.nested.db.appPassword, REDACTED);
  assert.equal(first.msg, 'connecting');
  assert.equal(first.level, 'info');
  assert.equal(first.name, 'test');
});

test('references to secrets stay readable', () => {
  const out = redactSecrets({ secretName: 'demo-credentials', passwordSecretRef: { name: 'x' }, tokenFile: '/var/run/t' }) as Record<string, unknown>;
  assert.equal(out.secretName, 'demo-credentials');
  assert.deepEqual(out.passwordSecretRef, { name: 'x' });
  assert.equal(out.tokenFile, '/var/run/t');
});

test('redactText masks key=value, JSON fields and URL credentials', () => {
  assert.equal(redactText('password=abc user=u'), `password=${REDACTED} user=u`);
  assert.equal(redactText('{"rootPassword":"abc","x":1}'), `{"rootPassword":${REDACTED},"x":1}`);
  assert.equal(redactText('IDENTIFIED BY password: hunter2'), `IDENTIFIED BY password: ${REDACTED}`);
  assert.equal(redactText('mysql://root:pw@127.0.0.1/'), `mysql://root:${REDACTED}@127.0.0.1/`);
  assert.equal(redactText('plain message'), 'plain message');
});

test('cycles do not break redaction', () => {
  const a: Record<string, unknown> = { password: 'x' };
  a.self = a;
  const out = redactSecrets(a) as Record<string, unknown>;
  assert.equal(out.password, REDACTED);
  assert.equal(out.self, '[Circular]');
});
