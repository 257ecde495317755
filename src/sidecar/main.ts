/** The in-pod agent: reports the member's state and passes the operator's instruction on. */
import { pino } from 'pino';
import { runAgent } from '../agent-http/server.js';
import { createAgentServer } from './http.js';
import { loadSettings } from './settings.js';

const log = pino({ name: 'galera-agent', redact: ['token', 'settings.token', 'req.headers.authorization'] });

runAgent(log, () => {
  const settings = loadSettings();
  return {
    server: createAgentServer(settings, log),
    host: settings.listenHost,
    port: settings.port,
    fields: { pod: settings.podName, runDir: settings.runDir },
  };
});
