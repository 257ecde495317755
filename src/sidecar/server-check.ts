/**
 * Does mariadbd answer? Reads the server's greeting (the first protocol packet), which needs no
 * credentials. A SIGSTOPped server accepts the connection but never greets: hence the timeout.
 */
import net from 'node:net';

export type ServerTarget = { socketPath: string } | { host: string; port: number };

export function serverGreets(target: ServerTarget, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = 'socketPath' in target ? net.connect(target.socketPath) : net.connect(target.port, target.host);
    let received = Buffer.alloc(0);
    const finish = (answered: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answered);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 5) {
        // 3-byte length, sequence id, then protocol version 10 or an error packet (0xff):
        // either way the server is alive and speaking.
        const first = received[4];
        finish(first === 0x0a || first === 0xff);
      }
    });
  });
}
