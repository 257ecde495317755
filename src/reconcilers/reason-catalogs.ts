/** Every condition reason the operator can set, with its meaning and what a person should do. */
import { reasonCatalog } from '../galera/decisions/reasons.js';
import { proxyReasonCatalog } from './proxy/reasons.js';
import { operatorReasonCatalog } from './reasons.js';

export interface ReasonEntry {
  meaning: string;
  action: string;
}

export function allReasonCatalogs(): Array<[string, ReasonEntry]> {
  return [
    ...Object.entries(operatorReasonCatalog),
    ...Object.entries(reasonCatalog),
    ...Object.entries(proxyReasonCatalog),
  ] as Array<[string, ReasonEntry]>;
}
