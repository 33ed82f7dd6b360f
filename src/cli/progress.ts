import cliProgress from 'cli-progress';

/** A progress bar on stderr that starts afresh for each stage of a long command. */
export function progressReporter() {
  const bar = new cliProgress.SingleBar(
    {
      format: '{stage} [{bar}] {percentage}% | {value}/{total}',
      stream: process.stderr,
      hideCursor: true,
      noTTYOutput: false,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  let current = '';
  return {
    update(stage: string, done: number, total: number) {
      if (stage !== current) {
        if (current) bar.stop();
        current = stage;
        bar.start(total, done, { stage });
      } else bar.update(done, { stage });
    },
    stop: () => current && bar.stop(),
  };
}
