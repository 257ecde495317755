import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLogPath, tailLines } from '../../../hack/cluster/agent/kubelet-server.js';

describe('kubelet log endpoint', () => {
  it('tails lines like kubectl logs --tail', () => {
    assert.equal(tailLines('a\nb\nc\n', 2), 'b\nc\n');
    assert.equal(tailLines('a\nb\nc', 1), 'c');
    assert.equal(tailLines('a\n', 5), 'a\n');
    assert.equal(tailLines('a\nb\n', 0), '');
    assert.equal(tailLines('a\nb\n', undefined), 'a\nb\n');
  });

  it('accepts only plain names in the path', () => {
    assert.deepEqual(parseLogPath('/containerLogs/ns/db-0/mariadb'), { namespace: 'ns', pod: 'db-0', container: 'mariadb' });
    assert.equal(parseLogPath('/containerLogs/ns/..%2F..%2Fetc/x'), undefined);
    assert.equal(parseLogPath('/containerLogs/ns/pod'), undefined);
    assert.equal(parseLogPath('/exec/ns/pod/c'), undefined);
  });
});
