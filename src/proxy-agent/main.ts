/** The agent in each HAProxy pod: the operator's only way to its config file and admin socket. */
import { pino } from 'pino';
import { runAgent } from '../agent-http/server.js';
import { createProxyAgentServer } from './http.js';
import { loadProxyAgentSettings } from './settings.js';

const log = pino({ name: 'proxy-agent', redact: ['token', 'settings.token', 'req.headers.authorization'] });

runAgent(log, () => {
  const settings = loadProxyAgentSettings();
  return {
    server: createProxyAgentServer(settings, log),
    host: settings.listenHost,
    port: settings.port,
    fields: { runtimeDir: settings.runtimeDir },
  };
});
