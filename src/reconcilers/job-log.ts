/** The end of a Job pod's log: a backup's size, or why a backup or restore failed. */
import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { Resources, type Manager } from '../runtime/index.js';

export async function jobLogTail(manager: Manager, namespace: string, job: string, container: string, log: Logger, lines = 20): Promise<string> {
  const pod = manager.informer<V1Pod>(Resources.Pod).list({ namespace, labels: { 'job-name': job } })[0];
  if (!pod?.metadata?.name) return '';
  try {
    const path = `/api/v1/namespaces/${namespace}/pods/${pod.metadata.name}/log`;
    return await manager.rest.getText(path, { container, tailLines: lines });
  } catch (err) {
    log.warn({ err, job }, 'could not read the Job pod log');
    return '';
  }
}

/** The last lines of a log, for a status message (secrets redacted by the caller's helper). */
export const lastLines = (text: string, count = 5): string => text.trim().split('\n').slice(-count).join('\n');
