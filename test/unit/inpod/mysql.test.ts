import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifySqlError, isPrimarySynced, parseWsrepStatus, userStatements } from '../../../src/mysql/index.js';

describe('parseWsrepStatus', () => {
  const rows = [
    ['wsrep_cluster_status', 'Primary'], ['wsrep_local_state', '4'], ['wsrep_local_state_comment', 'Synced'],
    ['wsrep_cluster_size', '3'], ['wsrep_cluster_state_uuid', '00bcc085-ea82-11f1-8fb4-c61ea69bc74c'],
    ['wsrep_cluster_conf_id', '7'], ['wsrep_last_committed', '1842'], ['wsrep_ready', 'ON'], ['wsrep_connected', 'ON'],
  ].map(([Variable_name, Value]) => ({ Variable_name, Value }));

  it('reads a Synced Primary member', () => {
    const status = parseWsrepStatus(rows);
    assert.deepEqual(status, {
      clusterStatus: 'Primary', localState: 4, localStateComment: 'Synced', clusterSize: 3,
      clusterStateUuid: '00bcc085-ea82-11f1-8fb4-c61ea69bc74c', confId: 7, lastCommitted: 1842, ready: true, connected: true,
    });
    assert.equal(isPrimarySynced(status), true);
  });

  it('is not ready when non-Primary, donor or without wsrep', () => {
    const with_ = (name: string, value: string) => parseWsrepStatus(rows.map((r) => (r.Variable_name === name ? { ...r, Value: value } : r)));
    assert.equal(isPrimarySynced(with_('wsrep_cluster_status', 'non-Primary')), false);
    assert.equal(isPrimarySynced(with_('wsrep_local_state', '2')), false);
    assert.equal(isPrimarySynced(with_('wsrep_ready', 'OFF')), false);
    const empty = parseWsrepStatus([]);
    assert.equal(empty.lastCommitted, -1);
    assert.equal(isPrimarySynced(empty), false);
  });
});

describe('classifySqlError', () => {
  it('sorts driver errors into kinds', () => {
    assert.equal(classifySqlError({ code: 'ECONNREFUSED', errno: -111 }, 'x').kind, 'unreachable');
    assert.equal(classifySqlError({ code: 'ETIMEDOUT' }, 'x').kind, 'timeout');
    assert.equal(classifySqlError({ code: 'PROTOCOL_SEQUENCE_TIMEOUT' }, 'x').kind, 'timeout');
    assert.equal(classifySqlError({ code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 }, 'x').kind, 'auth');
    assert.equal(classifySqlError({ code: 'ER_UNKNOWN_COM_ERROR', errno: 1047 }, 'x').kind, 'not-ready');
    assert.equal(classifySqlError({ code: 'ER_PARSE_ERROR', errno: 1064, sqlMessage: 'near x' }, 'x').kind, 'sql');
  });

  it('keeps the server text out of errors for secret statements', () => {
    const err = { code: 'ER_PARSE_ERROR', errno: 1064, sqlMessage: "near 'hunter2'" };
    assert.match(classifySqlError(err, 'create user app').message, /hunter2/);
    const hidden = classifySqlError(err, 'create user app', true);
    assert.doesNotMatch(hidden.message, /hunter2/);
    assert.match(hidden.message, /create user app: ER_PARSE_ERROR \(1064\)/);
  });
});

describe('userStatements', () => {
  it('builds idempotent statements with placeholders, passwords only in params of secret statements', () => {
    const statements = userStatements({
      app: { user: 'app', password: 'pw-app', hosts: ['%'], database: 'shop' },
      monitor: { user: 'monitor', password: 'pw-mon', hosts: ['%', 'localhost'] },
    });
    for (const s of statements) {
      assert.doesNotMatch(s.sql, /pw-/, 'no password in SQL text');
      assert.doesNotMatch(s.sql, /;/, 'one statement per call');
      if (s.params?.some((p) => String(p).startsWith('pw-'))) assert.equal(s.secret, true, s.label);
    }
    assert.deepEqual(statements.map((s) => s.label), [
      'create database shop', 'create user app@%', 'set password of app@%', 'grant app@% on shop',
      'create user monitor@%', 'set password of monitor@%', 'create user monitor@localhost', 'set password of monitor@localhost',
    ]);
    assert.ok(statements.every((s) => /^(CREATE (USER|DATABASE) IF NOT EXISTS|ALTER USER|GRANT )/.test(s.sql)));
    assert.ok(!statements.some((s) => s.label.startsWith('grant monitor')), 'monitor keeps USAGE only');
  });

  it('refuses a database name that is not a plain identifier', () => {
    assert.throws(() => userStatements({ app: { user: 'app', password: 'p', hosts: ['%'], database: 'a`b' } }), /database/);
  });
});
