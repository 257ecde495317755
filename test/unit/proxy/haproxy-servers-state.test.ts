import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseServersState, parseShowStat } from '../../../src/haproxy/servers-state.js';

// Captured from HAProxy 2.6.12: m2 drained, m3's name did not resolve.
const SERVERS_STATE = `1
# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
2 writer 1 m1 127.6.0.1 2 0 1 1 0 1 0 2 0 0 0 0 - 3306 - 0 0 - - 0
2 writer 2 m2 127.6.0.2 2 8 1 1 0 1 0 2 0 0 0 0 - 3306 - 0 0 - - 0
2 writer 3 m3 - 0 32 1 1 0 1 0 0 0 0 0 0 db-3.nowhere.invalid 3306 - 0 0 - - 0

`;

const SHOW_STAT = `# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight
writer,FRONTEND,,,3,3,9986,7,0,0,0,0,0,,,,,OPEN,
writer,m1,0,0,3,3,,7,0,0,,0,,0,0,0,0,UP,1
writer,m2,0,0,0,0,,0,0,0,,0,,0,0,0,0,DRAIN,1
writer,BACKEND,0,0,3,3,999,7,0,0,0,0,,0,0,0,0,UP,1
`;

describe('parseServersState', () => {
  const states = parseServersState(SERVERS_STATE);

  it('reads every server with its health, drain and maintenance', () => {
    assert.deepEqual(states, [
      { backend: 'writer', server: 'm1', address: '127.6.0.1', up: true, draining: false, maintenance: false },
      { backend: 'writer', server: 'm2', address: '127.6.0.2', up: true, draining: true, maintenance: false },
      { backend: 'writer', server: 'm3', address: '-', up: false, draining: false, maintenance: true },
    ]);
  });

  it('returns nothing for an answer without a header (e.g. an error text)', () => {
    assert.deepEqual(parseServersState('No such backend.\n'), []);
  });
});

describe('parseShowStat', () => {
  it('keeps servers only, with current and total sessions', () => {
    assert.deepEqual(parseShowStat(SHOW_STAT), [
      { backend: 'writer', server: 'm1', sessions: 3, totalSessions: 7, status: 'UP' },
      { backend: 'writer', server: 'm2', sessions: 0, totalSessions: 0, status: 'DRAIN' },
    ]);
  });
});
