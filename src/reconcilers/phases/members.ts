/** The database members' objects: ConfigMap, headless Service, StatefulSet and PDB, applied in that order. */
import { configHash, configMap, headlessService, podDisruptionBudget } from '../builders/galera-objects.js';
import { statefulSet } from '../builders/statefulset.js';
import type { Phase } from '../scope.js';

export const membersPhase: Phase = {
  name: 'members',
  async run(scope) {
    const config = configMap(scope.ref, scope.spec);
    await scope.apply(config);
    await scope.apply(headlessService(scope.ref));
    const hash = configHash(config.data ?? {}, scope.spec.image);
    await scope.apply(statefulSet(scope.ref, scope.spec, { operatorImage: scope.settings.operatorImage, configHash: hash }));
    await scope.apply(podDisruptionBudget(scope.ref, scope.spec));
    return 'continue';
  },
};
