/** Parses the spec with defaults; an invalid spec stops the reconcile and changes nothing. */
import { parseClusterSpec } from '../../crd/mysqlcluster.js';
import type { Phase } from '../scope.js';

export const validatePhase: Phase = {
  name: 'validate',
  async run(scope) {
    const parsed = parseClusterSpec(scope.cluster.spec ?? {});
    if (!parsed.ok) {
      const message = parsed.errors.join('; ');
      scope.condition({ type: 'Ready', status: 'False', reason: 'InvalidSpec', message });
      scope.status.phase = 'Invalid';
      scope.event('Warning', 'InvalidSpec', message);
      return 'stop';
    }
    scope.spec = parsed.spec;
    if (parsed.spec.paused) {
      scope.condition({ type: 'Paused', status: 'True', reason: 'PausedBySpec', message: 'spec.paused is true: nothing is changed' });
      scope.status.phase = 'Paused';
      return 'stop';
    }
    scope.status.conditions = (scope.status.conditions ?? []).filter((c) => c.type !== 'Paused');
    return 'continue';
  },
};
