import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1ClusterRole, V1ClusterRoleBinding, V1Role, V1RoleBinding, V1ServiceAccount } from '@kubernetes/client-node';
import { leaseName, parseRestPath, scanApiUses } from './support/api-uses.js';
import { allows, findObject, grant, grantsOf, loadDir, OPERATOR_NAMESPACE, SERVICE_ACCOUNT } from './support/load.js';
import { PLANNED_GRANTS } from './support/planned-grants.js';

const rbac = loadDir('manifests/rbac');
const clusterRole = findObject<V1ClusterRole>(rbac, 'ClusterRole', 'galera-operator');
const leaderRole = findObject<V1Role>(rbac, 'Role', 'galera-operator-leader-election');
const clusterGrants = grantsOf(clusterRole.rules);
const leaderGrants = grantsOf(leaderRole.rules);
const scan = scanApiUses();
const LEASES = 'coordination.k8s.io/leases';

describe('code scan', () => {
  it('resolves every API call it finds', () => {
    assert.deepEqual(scan.unresolved, [], 'teach test/unit/manifests/support/api-uses.ts about these calls');
  });

  it('finds the calls the operator is known to make (the scan is not blind)', () => {
    const found = new Set(scan.uses.map((u) => u.grant));
    for (const expected of [
      grant('galera-operator.io', 'mysqlclusters', 'watch'),
      grant('galera-operator.io', 'mysqlclusters/status', 'patch'),
      grant('apps', 'statefulsets', 'patch'),
      grant('', 'secrets', 'create'),
      grant('coordination.k8s.io', 'leases', 'update'),
      grant('events.k8s.io', 'events', 'create'),
    ]) {
      assert.ok(found.has(expected), `scan missed ${expected}`);
    }
  });

  it('reads REST paths as the API server does', () => {
    assert.deepEqual(parseRestPath('/api/v1/namespaces/${ns}/secrets/${name}'), { group: '', resource: 'secrets', named: true });
    assert.deepEqual(parseRestPath('/api/v1/namespaces/${ns}/secrets'), { group: '', resource: 'secrets', named: false });
    assert.deepEqual(parseRestPath('/apis/galera-operator.io/v1alpha1/namespaces/${ns}/mysqlclusters/${n}/status'), {
      group: 'galera-operator.io',
      resource: 'mysqlclusters/status',
      named: true,
    });
    assert.equal(parseRestPath('/healthz'), undefined);
  });
});

describe('ClusterRole galera-operator', () => {
  it('grants every permission the code needs outside leader election', () => {
    const missing = scan.uses.filter((u) => !u.grant.startsWith(`${LEASES}:`) && !allows(clusterGrants, u.grant));
    assert.deepEqual(missing, [], 'add these to manifests/rbac/cluster-role.yaml (then run hack/sync-chart-crds.ts)');
  });

  it('grants nothing else, except the planned grants listed with a reason', () => {
    const needed = new Set(scan.uses.map((u) => u.grant));
    const extra = [...clusterGrants].filter((g) => !needed.has(g) && !PLANNED_GRANTS.has(g));
    assert.deepEqual(extra, [], 'remove these grants, or justify them in support/planned-grants.ts');
  });

  it('still has every planned grant (the list has no stale entries)', () => {
    const stale = [...PLANNED_GRANTS.keys()].filter((g) => !clusterGrants.has(g));
    assert.deepEqual(stale, []);
  });

  it('has no wildcards and no cluster-wide read of Secrets or Leases', () => {
    for (const rule of clusterRole.rules ?? []) {
      for (const field of [rule.apiGroups, rule.resources, rule.verbs]) assert.ok(!(field ?? []).includes('*'), JSON.stringify(rule));
    }
    for (const verb of ['list', 'watch']) assert.ok(!clusterGrants.has(grant('', 'secrets', verb)), `secrets:${verb}`);
    assert.ok(![...clusterGrants].some((g) => g.startsWith(`${LEASES}:`)), 'leases belong in the namespaced Role');
  });
});

describe('leader election Role', () => {
  it('lives in the operator namespace and allows exactly the lease calls, by name where the API allows', () => {
    assert.equal(leaderRole.metadata?.namespace, OPERATOR_NAMESPACE);
    const lease = leaseName();
    const uses = scan.uses.filter((u) => u.grant.startsWith(`${LEASES}:`));
    assert.ok(uses.length > 0, 'the code makes lease calls');
    for (const use of uses) {
      const wanted = use.grant.endsWith(':create') ? use.grant : `${use.grant}@${lease}`;
      assert.ok(allows(leaderGrants, wanted), `missing ${wanted}`);
    }
    const expected = new Set(uses.map((u) => (u.grant.endsWith(':create') ? u.grant : `${u.grant}@${lease}`)));
    assert.deepEqual([...leaderGrants].sort(), [...expected].sort());
  });
});

describe('bindings', () => {
  const subject = { kind: 'ServiceAccount', name: SERVICE_ACCOUNT, namespace: OPERATOR_NAMESPACE };

  it('bind both roles to the operator ServiceAccount, which exists in the operator namespace', () => {
    const account = findObject<V1ServiceAccount>(rbac, 'ServiceAccount', SERVICE_ACCOUNT);
    assert.equal(account.metadata?.namespace, OPERATOR_NAMESPACE);
    const clusterBinding = findObject<V1ClusterRoleBinding>(rbac, 'ClusterRoleBinding', 'galera-operator');
    assert.deepEqual(clusterBinding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole.metadata?.name });
    assert.deepEqual(clusterBinding.subjects, [subject]);
    const leaderBinding = findObject<V1RoleBinding>(rbac, 'RoleBinding', 'galera-operator-leader-election');
    assert.equal(leaderBinding.metadata?.namespace, OPERATOR_NAMESPACE);
    assert.deepEqual(leaderBinding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: leaderRole.metadata?.name });
    assert.deepEqual(leaderBinding.subjects, [subject]);
  });

  it('come after the Namespace they need when kubectl applies the directory in file order', () => {
    assert.equal(rbac[0]?.kind, 'Namespace');
    assert.equal(rbac[0]?.metadata?.name, OPERATOR_NAMESPACE);
  });
});
