// `window/workDoneProgress` for long work the server starts itself (indexing, checking the
// workspace), or a silent reporter when the client cannot show progress.
import type { Connection } from 'vscode-languageserver';
import type { ProgressReporter } from './index/types';

export async function createProgress(connection: Connection, supported: boolean): Promise<ProgressReporter & { cancelled(): boolean }> {
  if (!supported) return { begin() {}, report() {}, done() {}, cancelled: () => false };
  const reporter = await connection.window.createWorkDoneProgress();
  let cancelled = false;
  reporter.token.onCancellationRequested(() => { cancelled = true; });
  return {
    begin: (title) => reporter.begin(title, 0, undefined, true),
    report: (done, total, message) => reporter.report(total > 0 ? Math.floor((100 * done) / total) : 0, message),
    done: () => reporter.done(),
    cancelled: () => cancelled,
  };
}
