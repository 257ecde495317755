/**
 * Issue 5 with ProxySQL on the local cluster (the drill: proxy-suite.ts). ProxySQL is in no
 * package registry this machine reaches: without a `proxysql` binary on PATH the suite says so
 * and is skipped.
 */
import { spawnSync } from 'node:child_process';
import { defineProxyOperatorSuite } from './proxy-suite.js';

const hasProxySQL = spawnSync('bash', ['-c', 'command -v proxysql'], { stdio: 'ignore' }).status === 0;
if (!hasProxySQL) console.log('skipped: no proxysql');

defineProxyOperatorSuite('proxysql', 'sx', hasProxySQL ? undefined : 'skipped: no proxysql');
