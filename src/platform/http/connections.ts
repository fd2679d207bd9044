// Shutdown that does not wait on connections that never carried a request. Node's server.close()
// ends idle keep-alive connections itself, but waits (until the headers timeout, a minute) on a
// socket opened ahead of need and not yet used: browsers preconnect, and fetch opens a spare one
// when a stream is aborted. Such a socket has nothing in flight, so it is destroyed at close.
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

export function closeUnusedConnections(app: FastifyInstance): void {
  const unused = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
  });
  app.server.on('request', (request: { socket: Socket }) => unused.delete(request.socket));
  app.addHook('preClose', (done) => {
    for (const socket of unused) socket.destroy();
    done();
  });
}
