/** The controller runtime: generic, with no knowledge of what it reconciles. */
export { Manager, type ManagerOptions, type ControllerRegistration, type OwnedWatch, type LeaderElectionConfig } from './manager.js';
export type { ReconcileFn, ReconcileRequest, ReconcileResult, ReconcileContext } from './controller.js';
export { Controller } from './controller.js';
export { WorkQueue } from './workqueue.js';
export { Informer, type InformerEvent, type InformerHandler } from './informer.js';
export { Applier, type ApplyOptions } from './apply.js';
export { StatusWriter, type Status, type WithStatus } from './status.js';
export { setCondition, getCondition, isTrue, removeCondition, timestamp, type Condition, type ConditionInput, type ConditionStatus } from './conditions.js';
export { statusUnchanged } from './status-diff.js';
export { EventRecorder, type EventInput, type EventType } from './events.js';
export { LeaderElector } from './leader.js';
export { RuntimeMetrics } from './metrics.js';
export { controllerReference, withControllerReference, controllerOf, ownerKeysFor, INSTANCE_LABEL } from './owners.js';
export { ApiError, ConflictError, NotFoundError, isConflict, isNotFound } from './errors.js';
export { Resources, resourcePath, apiVersionOf, objectKey, keyOf, splitKey, type ResourceRef } from './resources.js';
export { KubeRest } from './rest.js';
export { parseBindAddress } from './http-server.js';
export { redactSecrets, redactText } from './redact.js';
