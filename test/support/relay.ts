/**
 * A TCP relay between the service and PostgreSQL, for what a network does to a connection:
 * `stop` holds everything in both directions (a server that hangs), `severSilently` cuts one
 * connection at the server's side only (the server drops it, and the locks it held, while the
 * client hears nothing, as behind a firewall that forgot the connection).
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface Relay {
  port: number;
  /** Takes connections and data from then on and hands nothing on, until `resume`. */
  stop(): void;
  resume(): void;
  /**
   * Ends the relayed connection whose socket to the server has the local port `serverSidePort`
   * (PostgreSQL's `client_port` of that session) at the server's side; the client's side stays
   * open and whatever it sends is lost.
   */
  severSilently(serverSidePort: number): void;
  close(): Promise<void>;
}

export async function relayTo(target: { host: string; port: number }): Promise<Relay> {
  let stopped = false;
  const held: Array<() => void> = [];
  const sockets = new Set<Socket>();
  /** Each connection's socket to the server, with the client's socket it came from. */
  const toServer = new Map<Socket, Socket>();
  const severed = new Set<Socket>();
  const pass = (from: Socket, to: Socket) => {
    from.on('data', (chunk: Buffer) => {
      if (severed.has(from) || severed.has(to)) return;
      if (stopped) held.push(() => to.destroyed || to.write(chunk));
      else to.write(chunk);
    });
    from.on('close', () => severed.has(from) || severed.has(to) || to.destroy());
    from.on('error', () => undefined);
  };
  const server: Server = createServer((inbound) => {
    const outbound = connect(target.port, target.host);
    toServer.set(outbound, inbound);
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    outbound.on('close', () => toServer.delete(outbound));
    pass(inbound, outbound);
    pass(outbound, inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => void (stopped = true),
    resume: () => {
      stopped = false;
      for (const send of held.splice(0)) send();
    },
    severSilently: (serverSidePort) => {
      const outbound = [...toServer.keys()].find((socket) => socket.localPort === serverSidePort);
      if (!outbound) throw new Error(`no relayed connection to the server from port ${serverSidePort}`);
      severed.add(outbound);
      severed.add(toServer.get(outbound)!);
      outbound.destroy();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `url` with its host and port replaced by the relay's. */
export function through(url: string, relay: Relay): string {
  const relayed = new URL(url);
  relayed.hostname = '127.0.0.1';
  relayed.port = String(relay.port);
  return relayed.toString();
}
