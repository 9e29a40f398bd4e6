// Entry point: `node server.js --stdio` or `--node-ipc` (the VS Code client); the transport
// is picked from the command line by vscode-languageserver.
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startServer } from './server';

const connection = createConnection(ProposedFeatures.all);
// A bug anywhere must be logged, not end the process: the user's editor keeps working.
process.on('uncaughtException', (err) => connection.console.error(`uncaught: ${err.stack ?? err.message}`));
process.on('unhandledRejection', (err) => connection.console.error(`unhandled rejection: ${String(err)}`));
startServer(connection);
