/** The in-pod agent: reports the member's state and passes the operator's instruction on. */
import { pino } from 'pino';
import { createAgentServer } from './http.js';
import { loadSettings } from './settings.js';

const log = pino({ name: 'galera-agent', redact: ['token', 'settings.token', 'req.headers.authorization'] });

function main(): void {
  const settings = loadSettings();
  const server = createAgentServer(settings, log);
  server.on('error', (err) => {
    log.fatal({ err: err.message }, 'server error');
    process.exit(1);
  });
  server.listen(settings.port, settings.listenHost, () => {
    log.info({ pod: settings.podName, address: `${settings.listenHost}:${settings.port}`, runDir: settings.runDir }, 'agent listening');
  });
  const stop = (signal: string): void => {
    log.info({ signal }, 'stopping');
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

try {
  main();
} catch (err) {
  log.fatal({ err: (err as Error).message }, 'cannot start');
  process.exit(1);
}
