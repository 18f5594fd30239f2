import { Command, InvalidArgumentError } from 'commander';
import { createServer } from '../../server/create-server.js';
import { createTessera } from '../../tessera.js';

function port(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 0 || number > 65535) throw new InvalidArgumentError('a port is a number from 0 to 65535');
  return number;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('Apply migrations and serve the API.')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', port, 8000)
    .action(async (options: { host: string; port: number }) => {
      const tessera = await createTessera();
      const app = createServer(tessera);
      for (const warning of tessera.warnings) app.log.warn(warning);
      const shutdown = async (): Promise<void> => {
        await app.close();
        await tessera.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      await app.listen({ host: options.host, port: options.port });
    });
}
