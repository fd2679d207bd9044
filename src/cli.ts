// The `cordon` command. `cordon start` runs the server; the other subcommands are for operators.
import { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from './platform/config.ts';

function configOrExit(overrides: Partial<Config> = {}): Config {
  try {
    return { ...loadConfig(), ...overrides };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`cordon: invalid configuration: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command('cordon').description('Customs control and services for free zones').showHelpAfterError();

  program
    .command('start', { isDefault: true })
    .description('Start the server (embedded PGlite unless DATABASE_URL is set)')
    .option('--simulate', 'keep simulated traffic flowing')
    .option('--no-simulate', 'no simulated traffic')
    .option('-p, --port <port>', 'port to listen on')
    .action(async (options: { simulate?: boolean; port?: string }) => {
      const overrides: Partial<Config> = {};
      if (options.simulate !== undefined) overrides.simulate = options.simulate;
      if (options.port !== undefined) overrides.port = Number(options.port);
      const config = configOrExit(overrides);
      const { startServer } = await import('./server.ts');
      const server = await startServer(config);
      const shutdown = (signal: string) => {
        server.app.log.info(`${signal} received, shutting down`);
        server.close().then(
          () => process.exit(0),
          (error: unknown) => {
            server.app.log.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    });

  program
    .command('migrate')
    .description('Apply database migrations and exit')
    .action(async () => {
      const config = configOrExit();
      const { openDb } = await import('./platform/db/db.ts');
      const { migrate } = await import('./platform/db/migrate.ts');
      const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? null : `${config.dataDir}/pg` });
      const applied = await migrate(db);
      await db.close();
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    });

  program
    .command('openapi')
    .description('Print the OpenAPI document')
    .action(async () => {
      const config = configOrExit({ demo: false, simulate: false });
      const { openDb } = await import('./platform/db/db.ts');
      const { migrate } = await import('./platform/db/migrate.ts');
      const { createContext } = await import('./context.ts');
      const { buildApp } = await import('./app.ts');
      const db = await openDb({ databaseUrl: null, dataDir: null });
      await migrate(db);
      const app = await buildApp(await createContext(config, db));
      process.stdout.write(`${JSON.stringify(app.swagger(), null, 2)}\n`);
      await app.close();
      await db.close();
    });

  program
    .command('tariff')
    .description('The tariff schedule')
    .command('load <file>')
    .description('Replace the tariff schedule with a CSV file, plain or .gz (layout: src/duties/tariff.schedule.ts)')
    .option('--currency <code>', 'currency of the specific rates (default: the administration currency)')
    .option('--source <text>', 'where the schedule comes from')
    .action(async (file: string, options: { currency?: string; source?: string }) => {
      const { runTariffLoad } = await import('./duties/tariff.cli.ts');
      process.exitCode = await runTariffLoad(configOrExit(), file, options);
    });

  program
    .command('risk')
    .description('The risk model that selects declarations for inspection')
    .command('evaluate')
    .description('Train the risk model on KCS declaration files and compare it and the baselines on a later test file')
    .requiredOption('--train <files>', 'training files, comma-separated')
    .option('--valid <file>', 'a later file for early stopping (default: the latest training rows)')
    .requiredOption('--test <file>', 'the file to judge on, later than the others')
    .option('--label <column>', 'the outcome column to predict: Fraud or Critical Fraud', 'Fraud')
    .option('--json', 'one JSON object')
    .action(async (options: { train: string; valid?: string; test: string; label: string; json?: boolean }) => {
      const { runRiskEvaluate } = await import('./risk/evaluate/evaluate.cli.ts');
      process.exitCode = await runRiskEvaluate(options);
    });

  program
    .command('verify-credential <credential-file>')
    .description("Verify a credential offline against its issuer's DID document and, if given, its status list: VALID, REVOKED or INVALID")
    .requiredOption('--did <file>', "the issuer's DID document (did.json)")
    .option('--status <file>', 'the status list the credential names (vc+jwt)')
    .action(async (file: string, options: { did: string; status?: string }) => {
      const { runVerifyCredential } = await import('./credentials/credentials.cli.ts');
      process.exitCode = await runVerifyCredential(file, options);
    });

  const log = program.command('log').description('The transparency log of every movement and decision');
  log
    .command('audit')
    .description("Check the database against a checkpoint you kept: every leaf present, unchanged, in order, and each record as its table holds it")
    .requiredOption('--checkpoint <file>', 'the signed checkpoint (as served by /api/v1/transparency/checkpoint, field note)')
    .option('--vkey <key>', "the administration's verifier key (default: the key in this database)")
    .action(async (options: { checkpoint: string; vkey?: string }) => {
      const { runLogAudit } = await import('./proof/proof.cli.ts');
      process.exitCode = await runLogAudit(configOrExit(), options.checkpoint, options.vkey);
    });
  log
    .command('verify-bundle <file>')
    .description("Check a book's proof bundle offline (GET /api/v1/books/{id}/proof-bundle)")
    .requiredOption('--vkey <key>', "the administration's verifier key, from a source you trust")
    .action(async (file: string, options: { vkey: string }) => {
      const { runVerifyBundle } = await import('./proof/proof.cli.ts');
      process.exitCode = runVerifyBundle(file, options.vkey);
    });

  program
    .command('bench')
    .description('Run the benchmarks and print what they measured against their baselines')
    .option('--json', 'one JSON object per line')
    .option('--only <names>', 'comma-separated benchmark names')
    .action(async (options: { json?: boolean; only?: string }) => {
      const { runBenchmarks } = await import('../bench/runner.ts');
      await runBenchmarks({ json: options.json ?? false, only: options.only?.split(',') ?? null });
    });

  await program.parseAsync(argv);
}
