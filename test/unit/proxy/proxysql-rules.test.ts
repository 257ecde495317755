import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildProxySQLDesiredState } from '../../../src/proxysql/desired-state.js';
import { HOSTGROUP, PROXY_READ_ONLY_PORT as RO, PROXY_READ_WRITE_PORT as RW, clusterMembers } from '../../../src/proxysql/topology.js';
import { digestOf, routeQuery } from './query-rule-simulator.js';

const desired = buildProxySQLDesiredState({
  members: clusterMembers('shop', 'prod', 3),
  writer: 'shop-0',
  appUsers: [{ username: 'app', password: 'app-secret-1', defaultSchema: 'app' }],
  monitor: { username: 'monitor', password: 'monitor-secret-1' },
});
const user = desired.users[0]!;
const route = (query: string, port: number) => routeQuery(desired.queryRules, Number(user.default_hostgroup), query, port);

const WRITER = { hostgroup: HOSTGROUP.writer };
const READER = { hostgroup: HOSTGROUP.reader };

describe('query rules route', () => {
  const cases: Array<[string, number, object]> = [
    ['SELECT 1', RW, READER],
    ['select * from t where id = 7', RW, READER],
    ['/* comment */ SELECT * FROM t', RW, READER],
    ['select * from t for update', RW, WRITER],
    ['SELECT a FROM t WHERE id = 1 LOCK IN SHARE MODE', RW, WRITER],
    ["SELECT GET_LOCK('job', 10)", RW, WRITER],
    ['SELECT LAST_INSERT_ID()', RW, WRITER],
    ["SELECT * FROM notes WHERE body = 'for update'", RW, READER],
    ['INSERT INTO t (a) VALUES (1)', RW, WRITER],
    ['update t set a = 2', RW, WRITER],
    ['DELETE FROM t', RW, WRITER],
    ['BEGIN', RW, WRITER],
    ['COMMIT', RW, WRITER],
    ['WITH x AS (SELECT 1) SELECT * FROM x', RW, WRITER],
    ['SELECT * FROM t', RO, READER],
    ['select * from t for update', RO, READER],
    ['SHOW TABLES', RO, READER],
  ];
  for (const [query, port, expected] of cases) {
    it(`${query} on ${port} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(route(query, port), expected);
    });
  }

  it('refuses writes on the read-only port instead of sending them to a reader', () => {
    for (const query of ['INSERT INTO t VALUES (1)', 'update t set a=1', '/* x */ DELETE FROM t', 'CREATE TABLE x (a int)']) {
      const result = route(query, RO);
      assert.ok('error' in result, `${query} was routed: ${JSON.stringify(result)}`);
    }
  });

  it('keeps transactions on the writer: users are transaction_persistent with the writer as default', () => {
    assert.equal(user.transaction_persistent, '1');
    assert.equal(user.default_hostgroup, String(HOSTGROUP.writer));
  });

  it('digest approximation strips comments and literals', () => {
    assert.equal(digestOf("/* c */ SELECT  *\nFROM t WHERE a = 'x' AND b = 3"), 'SELECT * FROM t WHERE a = ? AND b = ?');
  });
});
