/** Cluster state classification for status and conditions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeCluster, type ClusterState } from '../../../src/galera/decisions/clusterState.js';
import type { MemberObservation } from '../../../src/galera/decisions/observations.js';
import { UUID_B, live, missing, reported, running, synced, unreachable } from './fixtures.js';

const nonPrimary = (o: number) => running(o, live({ clusterStatus: 'non-Primary' }));

const cases: Array<[ClusterState, MemberObservation[]]> = [
  ['Online', [synced(0), synced(1), synced(2)]],
  ['OnlinePartial', [synced(0), synced(1), reported(2)]],
  ['OnlinePartial', [synced(0), synced(1), synced(2, { localState: 1 })]],
  ['OnlineUncertain', [synced(0), synced(1), unreachable(2)]],
  ['OnlineUncertain', [synced(0), synced(1), running(2, null)]],
  ['NoQuorum', [nonPrimary(0), reported(1), missing(2, true)]],
  ['NoQuorumUncertain', [nonPrimary(0), running(1, null), reported(2)]],
  ['Offline', [reported(0), reported(1), missing(2, false)]],
  ['OfflineUncertain', [reported(0), unreachable(1), reported(2)]],
  ['SplitBrain', [synced(0), synced(1, { stateUuid: UUID_B })]],
  ['SplitBrainUncertain', [synced(0, { confId: 3 }), synced(1, { confId: 4 })]],
];

test('each state is recognised', () => {
  for (const [state, members] of cases) assert.equal(summarizeCluster(members).state, state, state);
});

test('only Online is Ready; the summary names synced and unheard members', () => {
  for (const [state, members] of cases) assert.equal(summarizeCluster(members).ready, state === 'Online');
  const s = summarizeCluster([synced(0), unreachable(1), reported(2)]);
  assert.deepEqual([s.syncedMembers, s.uncertainMembers, s.reason], [['db-0'], ['db-1'], 'MembersUncertain']);
  assert.match(s.message, /^1\/3 members Synced/);
});
