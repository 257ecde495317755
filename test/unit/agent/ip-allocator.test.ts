import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { IpAllocator, addressFor, nextOffset } from '../../../hack/cluster/agent/ip-allocator.js';

describe('pod address allocator', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-ips-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('hands out 127.1.x.y addresses monotonically, stable per pod, persisted', () => {
    const file = path.join(dir, 'ips.json');
    const ips = new IpAllocator(file);
    const a = ips.allocate('uid-a');
    const b = ips.allocate('uid-b');
    assert.equal(a, '127.1.0.1');
    assert.equal(b, '127.1.0.2');
    assert.equal(ips.allocate('uid-a'), a);
    ips.release('uid-a');
    assert.equal(ips.allocate('uid-a2'), '127.1.0.3', 'a re-created pod gets a new address');
    const reloaded = new IpAllocator(file);
    assert.equal(reloaded.allocate('uid-b'), b);
    assert.deepEqual(reloaded.uids().sort(), ['uid-a2', 'uid-b']);
  });

  it('skips .0 and .255 and wraps around without reusing addresses in use', () => {
    assert.equal(addressFor(nextOffset(254)), '127.1.1.1');
    assert.equal(nextOffset(65534), 1);
    const file = path.join(dir, 'wrap.json');
    fs.writeFileSync(file, JSON.stringify({ next: 65534, byUid: { old: '127.1.0.1' } }));
    const ips = new IpAllocator(file);
    assert.equal(ips.allocate('x'), '127.1.255.254');
    assert.equal(ips.allocate('y'), '127.1.0.2', 'wrapped, skipping the address still in use');
  });
});
