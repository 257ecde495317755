/** The agent in each HAProxy pod: the operator's only way to its config file and admin socket. */
import { pino } from 'pino';
import { createProxyAgentServer } from './http.js';
import { loadProxyAgentSettings } from './settings.js';

const log = pino({ name: 'proxy-agent', redact: ['token', 'settings.token', 'req.headers.authorization'] });

function main(): void {
  const settings = loadProxyAgentSettings();
  const server = createProxyAgentServer(settings, log);
  server.on('error', (err) => {
    log.fatal({ err: err.message }, 'server error');
    process.exit(1);
  });
  server.listen(settings.port, settings.listenHost, () => {
    log.info({ address: `${settings.listenHost}:${settings.port}`, runtimeDir: settings.runtimeDir }, 'proxy agent listening');
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
