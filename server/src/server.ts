// The language server: LSP requests in, engine calls out, LSP shapes back. It owns the
// document lifecycle, settings, the workspace index and commands; every conversion of
// engine data lives in to-proto.ts and hover.ts, and every handler is guarded.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionKind, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, FileChangeType,
  MessageType, ShowMessageNotification, TextDocumentSyncKind, TextDocuments,
  type CodeAction, type Connection, type InitializeParams, type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalyzeConfig } from '../../engine/analyze';
import type { Analysis } from '../../engine/checks/types';
import { createAnalyzer, type Analyzer } from './analyzer';
import { workspaceCacheDir } from './cache-location';
import { ConfigErrorLedger, readConfig, type ConfigFile } from './config-files';
import { kindOf, pathOf, wantsDocument } from './documents';
import { guard, type Logger } from './guard';
import { hoverAt } from './hover';
import { FileListIndex } from './index/file-index';
import { enginePeerSummarizer } from './index/peer-summaries';
import { frontEndSummary } from './index/summarize';
import type { IndexStats } from './index/types';
import { executionView } from './execution';
import { createProgress } from './progress';
import { Scheduler } from './scheduler';
import { CONFIG_FILE_NAME } from '../../engine/kb/config';
import { DEFAULT_SETTINGS, kbConfigText, readSettings, type Settings } from './settings';
import { configErrorDiagnostics, findingToDiagnostic, fromPosition, toCodeActions, toCodeLenses, toDiagnostics, toProtoFix, uriResolver, type DiagnosticData } from './to-proto';

export const COMMANDS = {
  showLitmus: 'hvbarrier.showLitmus', showExecution: 'hvbarrier.showExecution', checkWorkspace: 'hvbarrier.checkWorkspace', applyFix: 'hvbarrier.applyFix',
} as const;

/** How long a hover or code action waits for the analysis of the current version. */
const WAIT_FOR_ANALYSIS_MS = 5_000;

interface ClientFeatures { configuration: boolean; progress: boolean; watchers: boolean }

export function startServer(connection: Connection, opts: { analyzer?: Analyzer } = {}): void {
  const log: Logger = {
    error: (m) => connection.console.error(m),
    warn: (m) => connection.console.warn(m),
    info: (m) => connection.console.info(m),
  };
  const documents = new TextDocuments(TextDocument);
  const analyzer = opts.analyzer ?? createAnalyzer((m) => log.info(m));
  let roots: string[] = [];
  let cacheDir: string | undefined;
  let features: ClientFeatures = { configuration: false, progress: false, watchers: false };
  let initSettings: unknown;
  let settings: Settings = DEFAULT_SETTINGS;
  const configErrors = new ConfigErrorLedger();
  let index: FileListIndex | undefined;
  let indexing: Promise<IndexStats | undefined> = Promise.resolve(undefined);
  // Documents opened before the first settings arrive wait for them, so nothing is ever
  // analysed (and published) under a configuration the user did not ask for.
  let settingsLoaded!: () => void;
  const ready = new Promise<void>((resolve) => { settingsLoaded = resolve; });

  const uriOf = (docUri: string) => uriResolver(docUri, pathOf(docUri), roots);

  const scheduler = new Scheduler({
    analyzer,
    debounceMs: () => settings.debounceMs,
    publish: ({ uri, version, analysis }) => {
      const doc = documents.get(uri);
      if (!doc || doc.version !== version) return;
      const diagnostics = toDiagnostics(analysis, { docUri: uri, uriOf: uriOf(uri), version });
      void connection.sendDiagnostics({ uri, version, diagnostics });
    },
    onError: (uri, err) => log.error(`analysis of ${uri} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`),
  });

  /** Unsaved text of the open C documents, which the engine reads instead of the files on disk. */
  function openTexts(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const d of documents.all()) {
      const p = pathOf(d.uri);
      if (p && kindOf(d) === 'c') out[p] = d.getText();
    }
    return out;
  }

  function request(doc: TextDocument, immediate = false): void {
    if (!wantsDocument(doc)) return;
    const text = doc.getText();
    const docPath = pathOf(doc.uri);
    const kind = kindOf(doc);
    scheduler.request({
      uri: doc.uri,
      version: doc.version,
      input: async () => ({ input: { path: docPath, text, kind, config: configFor(docPath) }, openTexts: openTexts() }),
    }, { immediate });
  }

  /** The analysis of the document's current version, waiting briefly for it if it is running. */
  async function current(uri: string): Promise<Analysis | undefined> {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    let r = scheduler.latest(uri, doc.version);
    if (!r) {
      await Promise.race([scheduler.settled(uri), new Promise((res) => setTimeout(res, WAIT_FOR_ANALYSIS_MS))]);
      r = scheduler.latest(uri, documents.get(uri)?.version);
    }
    return r?.analysis;
  }

  function report(errors: readonly string[]): void {
    for (const e of errors) {
      log.warn(e);
      // A notification, not a request: nothing waits for the user to dismiss it.
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: e });
    }
  }

  async function loadSettings(): Promise<void> {
    let raw: unknown = initSettings;
    if (features.configuration) raw = await connection.workspace.getConfiguration('hvbarrier');
    const read = readSettings(raw);
    settings = read.settings;
    report(read.errors);
  }

  /** A broken `.hvbarrier.json` is shown where it is (a diagnostic on the file) and announced once. */
  function reportConfig(file: ConfigFile): void {
    const change = configErrors.update(file);
    if (!change) return;
    if (change.missing) {
      report([`hvbarrier.kbPath: cannot read ${change.path}: no such file; using the built-in knowledge base`]);
      return;
    }
    const uri = pathToFileURL(change.path).href;
    void connection.sendDiagnostics({ uri, diagnostics: configErrorDiagnostics(change.errors) });
    const first = change.errors[0];
    if (!first) return;
    const more = change.errors.length > 1 ? ` (and ${change.errors.length - 1} more)` : '';
    const message = `hvbarrier${settings.kbPath ? '.kbPath' : ''}: ${first.file}:${first.line}:${first.col}: ${first.message}${more}; the built-in knowledge base is used for what it does not define`;
    log.error(message);
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message });
  }

  /** The engine's configuration for a document: the settings and the `.hvbarrier.json` in force there. */
  function configFor(docPath: string | undefined): AnalyzeConfig {
    const file = readConfig({ docPath, roots, kbPath: settings.kbPath });
    reportConfig(file);
    const kbText = kbConfigText(file.text, settings);
    return { arch: settings.arch, models: settings.models, budget: settings.budget, kbConfigText: kbText, kbConfigPath: file.path };
  }

  function startIndex(): Promise<IndexStats | undefined> {
    if (!settings.index.enabled || roots.length === 0) return Promise.resolve(undefined);
    const dir = cacheDir ?? workspaceCacheDir(roots);
    index = new FileListIndex({
      roots, include: settings.index.include, exclude: settings.index.exclude,
      cacheFile: path.join(dir, 'index-v1.json'),
      summarize: frontEndSummary, summarizePeers: enginePeerSummarizer(dir),
      log: (m) => log.info(m),
    });
    const idx = index;
    indexing = createProgress(connection, features.progress)
      .then((progress) => idx.build({ progress, isCancelled: () => progress.cancelled() || index !== idx }))
      .then((stats) => {
        log.info(`index: ${stats.files} files, ${stats.lines} lines (${stats.fromCache} cached, ${stats.parsed} parsed) in ${stats.millis} ms; ${idx.peers().length} C files summarized for pairing`);
        // Documents analysed before the index was ready may now have peers in view.
        if (index === idx) {
          analyzer.setWorkspace(idx.peers());
          for (const doc of documents.all()) request(doc, true);
        }
        return stats;
      })
      .catch((err: unknown) => { log.error(`index failed: ${String(err)}`); return undefined; });
    return indexing;
  }

  async function checkWorkspace(): Promise<{ files: number; findings: number; indexed?: IndexStats }> {
    const indexed = await startIndex();
    const progress = await createProgress(connection, features.progress);
    const files = (index?.files() ?? []).filter((f) => f.kind !== 'c' || f.lines > 0);
    progress.begin('hvbarrier: checking the workspace');
    let findings = 0;
    for (let i = 0; i < files.length && !progress.cancelled(); i++) {
      const f = files[i]!;
      const uri = uriResolver('', undefined, roots)(f.path);
      progress.report(i, files.length, path.basename(f.path));
      // Open documents are already analysed from their (possibly unsaved) text.
      if (documents.get(uri)) continue;
      const text = await fs.readFile(f.path, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      const analysis = await analyzer.run({ input: { path: f.path, text, kind: f.kind, config: configFor(f.path) }, openTexts: openTexts() }).promise.catch((err: unknown) => { log.error(`check ${f.path}: ${String(err)}`); return undefined; });
      if (!analysis) continue;
      const diagnostics = toDiagnostics(analysis, { docUri: uri, uriOf: uriOf(uri), version: 0 }).filter((d) => d.code !== 'input');
      findings += diagnostics.length;
      if (diagnostics.length > 0) void connection.sendDiagnostics({ uri, diagnostics });
    }
    progress.done();
    return { files: files.length, findings, indexed };
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    features = {
      configuration: caps.workspace?.configuration === true,
      progress: caps.window?.workDoneProgress === true,
      watchers: caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    };
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    roots = folders.map(pathOf).filter((p): p is string => p !== undefined);
    const init = (params.initializationOptions ?? {}) as { cacheDir?: unknown; settings?: unknown };
    if (typeof init.cacheDir === 'string') cacheDir = init.cacheDir;
    initSettings = init.settings;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: Object.values(COMMANDS) },
        workspace: { workspaceFolders: { supported: true } },
      },
      serverInfo: { name: 'hvbarrier', version: '0.1.0' },
    };
  });

  connection.onInitialized(guard(log, 'initialized', undefined, async () => {
    if (features.configuration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'hvbarrier' });
    if (features.watchers) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{c,h,patch,diff,litmus}' }, { globPattern: `**/${CONFIG_FILE_NAME}` }],
      });
    }
    try {
      await loadSettings();
    } finally {
      settingsLoaded();
    }
    // A broken config at the workspace root is reported even before a document is opened.
    reportConfig(readConfig({ roots, kbPath: settings.kbPath }));
    void startIndex();
  }));

  connection.onDidChangeConfiguration(guard(log, 'didChangeConfiguration', undefined, async () => {
    const before = JSON.stringify(settings.index);
    await loadSettings();
    for (const doc of documents.all()) request(doc, true);
    if (JSON.stringify(settings.index) !== before) void startIndex();
  }));

  connection.onDidChangeWatchedFiles(guard(log, 'didChangeWatchedFiles', undefined, async (params) => {
    const all = params.changes.map((c) => ({ path: pathOf(c.uri), deleted: c.type === FileChangeType.Deleted }))
      .filter((c): c is { path: string; deleted: boolean } => c.path !== undefined);
    // A `.hvbarrier.json` changed: it is read again by every analysis, so analyse again now.
    if (all.some((c) => path.basename(c.path) === CONFIG_FILE_NAME)) {
      // A deleted config takes its error diagnostics with it.
      for (const c of all) {
        if (c.deleted && path.basename(c.path) === CONFIG_FILE_NAME && configErrors.forget(c.path)) {
          void connection.sendDiagnostics({ uri: pathToFileURL(c.path).href, diagnostics: [] });
        }
      }
      reportConfig(readConfig({ roots, kbPath: settings.kbPath }));
      for (const doc of documents.all()) request(doc, true);
    }
    const changes = all.filter((c) => path.basename(c.path) !== CONFIG_FILE_NAME);
    if (changes.length === 0) return;
    await indexing;
    await index?.update(changes);
    if (index) analyzer.setWorkspace(index.peers());
    // A peer changed on disk: what the open documents pair with may have changed too.
    if (changes.some((c) => /\.(c|h)$/.test(c.path))) for (const doc of documents.all()) request(doc);
  }));

  // The document manager fires this for didOpen too: a newly opened document is analysed at
  // once, later versions after the debounce delay.
  documents.onDidChangeContent(guard(log, 'didChange', undefined, async (e) => {
    await ready;
    const doc = documents.get(e.document.uri);
    if (doc === e.document) request(doc, !scheduler.has(doc.uri));
  }));
  documents.onDidClose(guard(log, 'didClose', undefined, (e) => {
    scheduler.forget(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  }));

  connection.onHover(guard(log, 'hover', null, async (params) => {
    const a = await current(params.textDocument.uri);
    if (!a) return null;
    const uri = params.textDocument.uri;
    return hoverAt(a, fromPosition(params.position), { docUri: uri, uriOf: uriOf(uri) });
  }));

  connection.onCodeAction(guard(log, 'codeAction', [] as CodeAction[], async (params) => {
    if (params.context.only && !params.context.only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k + '.') || k === CodeActionKind.Empty)) return [];
    const uri = params.textDocument.uri;
    // The diagnostics' own data carries the fixes; no analysis is needed for them.
    let diags = params.context.diagnostics.filter((d) => (d.data as DiagnosticData | undefined)?.fixes !== undefined);
    if (diags.length === 0) {
      // Some clients send diagnostics without `data`: rebuild them from the current analysis.
      const a = await current(uri);
      const doc = documents.get(uri);
      if (!a || !doc) return [];
      const { start, end } = params.range;
      diags = a.findings
        .map((f) => findingToDiagnostic(f, { uriOf: uriOf(uri), version: doc.version }))
        .filter((d) => d.range.start.line <= end.line && d.range.end.line >= start.line);
    }
    const seen = new Set<string>();
    return diags.flatMap(toCodeActions).filter((a) => !seen.has(a.title) && seen.add(a.title) !== undefined);
  }));

  connection.onCodeLens(guard(log, 'codeLens', [], async (params) => {
    const uri = params.textDocument.uri;
    const a = await current(uri);
    const doc = documents.get(uri);
    return a && doc ? toCodeLenses(a, { docUri: uri, uriOf: uriOf(uri), doc: { kind: kindOf(doc), text: doc.getText() } }) : [];
  }));

  connection.onExecuteCommand(guard(log, 'executeCommand', null as unknown, async (params) => {
    const args = params.arguments ?? [];
    switch (params.command) {
      case COMMANDS.showLitmus: {
        // Returns the test; the VS Code client opens it as an untitled .litmus document.
        const [uri, id] = args as [string, string];
        const f = (await current(uri))?.findings.find((x) => x.id === id);
        return f?.litmus ? { language: 'litmus', content: f.litmus } : null;
      }
      case COMMANDS.showExecution: {
        // Returns the SVG; the VS Code client shows it in a webview.
        const [uri, id] = args as [string, string];
        const doc = documents.get(uri);
        const f = (await current(uri))?.findings.find((x) => x.id === id);
        return executionView(f, { kind: doc ? kindOf(doc) : '', text: doc?.getText() ?? '' }, settings.budget);
      }
      case COMMANDS.applyFix: {
        const [uri, id, which] = args as [string, string, number | undefined];
        const doc = documents.get(uri);
        const f = (await current(uri))?.findings.find((x) => x.id === id);
        const fix = f?.fixes[which ?? Math.max(0, f.fixes.findIndex((x) => x.preferred))];
        if (!doc || !f || !fix) return { applied: false, reason: 'no such finding or fix in the current version' };
        const res = await connection.workspace.applyEdit({ label: fix.title, edit: toProtoFix(fix, uriOf(uri)).edit });
        return { applied: res.applied };
      }
      case COMMANDS.checkWorkspace:
        return checkWorkspace();
      default:
        log.warn(`unknown command ${params.command}`);
        return null;
    }
  }));

  connection.onShutdown(() => analyzer.dispose());
  documents.listen(connection);
  connection.listen();
}


