// Sockets for tests that need an address where nothing answers.
import { createServer, type AddressInfo } from 'node:net';

/** A TCP port on `host` that nothing listens on: bound once, then released (free a moment ago, closed now). */
export function closedPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
