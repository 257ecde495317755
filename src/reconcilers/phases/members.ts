/** The database members' objects: ConfigMap, headless Service, StatefulSet and PDB, applied in that order. */
import { configHash, configMap, headlessService, podDisruptionBudget } from '../builders/galera-objects.js';
import { statefulSet } from '../builders/statefulset.js';
import type { Phase } from '../scope.js';
import { statefulSetReplicas } from './scaling.js';

export const membersPhase: Phase = {
  name: 'members',
  async run(scope) {
    // Scale-down is stepped one member at a time; gcomm:// lists every member still kept.
    const replicas = await statefulSetReplicas(scope);
    const config = configMap(scope.ref, { ...scope.spec, replicas });
    await scope.apply(config);
    await scope.apply(headlessService(scope.ref));
    const hash = configHash(config.data ?? {}, scope.spec.image);
    await scope.apply(statefulSet(scope.ref, scope.spec, { operatorImage: scope.settings.operatorImage, configHash: hash, replicas }));
    await scope.apply(podDisruptionBudget(scope.ref, scope.spec));
    return 'continue';
  },
};
