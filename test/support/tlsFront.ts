// A TLS front on 127.0.0.1 for a plain (http) simulator: terminates TLS with a test certificate and pipes the bytes
// to the simulator's HTTP port, so REST, XML-RPC and the UCI WebSocket run over real TLS sockets without
// `starface-sim --tls`. `swap()` presents another certificate on the same address (a PBX whose certificate
// changed, or an attacker in between) and drops the open connections, as a restart would.
import net from 'node:net';
import tls from 'node:tls';
import type { TestCert } from './tlsCerts.js';

export interface TlsFront {
  port: number;
  /** `https://127.0.0.1:<port>` */
  url: string;
  swap(cert: TestCert): void;
  stop(): Promise<void>;
}

export async function startTlsFront(cert: TestCert, target: { host?: string; port: number }): Promise<TlsFront> {
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ cert: cert.certPem, key: cert.keyPem, ALPNProtocols: ['http/1.1'] }, (front) => {
    const back = net.connect(target.port, target.host ?? '127.0.0.1');
    sockets.add(front).add(back);
    const drop = () => {
      front.destroy();
      back.destroy();
      sockets.delete(front);
      sockets.delete(back);
    };
    front.on('error', drop).on('close', drop);
    back.on('error', drop).on('close', drop);
    front.pipe(back).pipe(front);
  });
  // A client that refuses the certificate closes the handshake; that is the test's point, not an error.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `https://127.0.0.1:${port}`,
    swap(next) {
      server.setSecureContext({ cert: next.certPem, key: next.keyPem });
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
