import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { rewriteInPlace } from '../../../hack/cluster/agent/net/hosts-writer.js';

describe('rewriteInPlace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-net-hosts-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the file, then replaces content on the same inode, shrinking too', () => {
    const path = join(dir, 'hosts');
    rewriteInPlace(path, 'first version, rather long\n');
    const inode = statSync(path).ino;
    assert.equal(readFileSync(path, 'utf8'), 'first version, rather long\n');
    rewriteInPlace(path, 'short\n');
    assert.equal(readFileSync(path, 'utf8'), 'short\n');
    assert.equal(statSync(path).ino, inode);
  });
});
