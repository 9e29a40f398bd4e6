// `hvbarrier <command> ...`: one table of subcommands, each in engine/cli/<command>.ts.
// Only this layer and the cli/ modules touch the process (argv, files, stdout, exit codes).

import { runLitmusCommand } from './cli/litmus';
import { toolVersion } from './cli/version';

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, { run: Command; summary: string }> = {
  check: { run: async (a) => (await import('./cli/check')).runCheckCommand(a), summary: 'report barrier problems in patches and C files (text, json, sarif)' },
  litmus: { run: runLitmusCommand, summary: 'simulate C litmus tests under sc, x86-tso, armv8, lkmm' },
  extract: { run: async (a) => (await import('./cli/extract')).runExtractCommand(a), summary: 'print the threads of events extracted from C files and patches' },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`);
  return ['usage: hvbarrier <command> [options] FILE...', '       hvbarrier --version', '', 'commands:', ...lines, '', '`hvbarrier <command> --help` lists the options of a command.', ''].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`hvbarrier ${toolVersion()}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`hvbarrier: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    // Analysis code returns problems instead of throwing; reaching here is a bug in hvbarrier.
    process.stderr.write(`hvbarrier: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    return 3;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
