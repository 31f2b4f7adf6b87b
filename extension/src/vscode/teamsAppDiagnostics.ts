import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { MANIFEST, type TeamsFinding, type TeamsValidationReport } from '../../../shared/schemas/teamsApp.js';
import { JsonLocator } from '../teamsApp/locate.js';
import { normalizeRel } from '../teamsApp/paths.js';
const DEBOUNCE_MS = 250;
const SEVERITY: Record<TeamsFinding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** A Teams manifest by name and by content: a `manifest.json` of some other tool (a web app's) is left alone. */
export function looksLikeTeamsManifest(doc: vscode.TextDocument): boolean {
  if (doc.uri.scheme !== 'file' || !/(^|[\\/])manifest\.json$/.test(doc.fileName)) return false;
  const text = doc.getText();
  return /"manifestVersion"\s*:/.test(text) || /"\$schema"\s*:\s*"[^"]*teams/i.test(text);
}

/**
 * For a finding in another file (an icon, a localization file): the manifest property that names the file. The
 * finding's own pointer points into that file, not into the manifest.
 */
function pointerNaming(file: string, text: string): string {
  try {
    const manifest = JSON.parse(text) as {
      icons?: Record<string, unknown>;
      localizationInfo?: { defaultLanguageFile?: unknown; additionalLanguages?: { file?: unknown }[] };
    };
    // Findings name the file as Teams resolves it (`color.png`); the manifest may say `./color.png`.
    const names = (value: unknown) => typeof value === 'string' && normalizeRel(value) === file;
    for (const [key, value] of Object.entries(manifest.icons ?? {})) if (names(value)) return `/icons/${key}`;
    const l10n = manifest.localizationInfo;
    if (names(l10n?.defaultLanguageFile)) return '/localizationInfo/defaultLanguageFile';
    const i = Array.isArray(l10n?.additionalLanguages) ? l10n.additionalLanguages.findIndex((l) => names(l?.file)) : -1;
    if (i >= 0) return `/localizationInfo/additionalLanguages/${i}/file`;
  } catch {
    // unparsable: the syntax error is the finding that matters
  }
  return '';
}

/**
 * One finding as a diagnostic on the manifest: at its own range, or (for an icon or other file) at the manifest
 * value that names the file. `text` is the manifest's text the diagnostic goes on, `manifestName` its file name.
 */
export function toDiagnostic(
  f: TeamsFinding,
  text: string,
  locator = new JsonLocator(text),
  manifestName = MANIFEST,
): vscode.Diagnostic {
  const own = (f.file || manifestName) === manifestName;
  const r = own ? f : locator.rangeOf(pointerNaming(f.file, text));
  const start = new vscode.Position(r.line - 1, r.column - 1);
  const end = new vscode.Position(r.endLine - 1, r.endColumn - 1);
  const message = own || f.message.includes(f.file) ? f.message : `${f.file}: ${f.message}`;
  const diagnostic = new vscode.Diagnostic(
    new vscode.Range(start, end.isBefore(start) ? start : end),
    message,
    SEVERITY[f.severity],
  );
  diagnostic.source = 'STARFACE Teams';
  diagnostic.code = f.helpUrl ? { value: f.rule, target: vscode.Uri.parse(f.helpUrl) } : f.rule;
  return diagnostic;
}

/** The diagnostics of a list of findings on one manifest text. */
export function toDiagnostics(
  findings: readonly TeamsFinding[],
  text: string,
  manifestName = MANIFEST,
): vscode.Diagnostic[] {
  const locator = new JsonLocator(text);
  return findings.map((f) => toDiagnostic(f, text, locator, manifestName));
}

/**
 * Live Teams manifest checks: every open `manifest.json` that is a Teams manifest is validated on open and on
 * each change (debounced), its findings shown in the Problems panel. A run that a newer edit overtook is
 * dropped, so a slow validation never paints stale squiggles over fresh text.
 */
export class TeamsAppDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('starface-teams');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly runs = new Map<string, number>();
  private readonly subscriptions: vscode.Disposable[];
  private readonly settled = new vscode.EventEmitter<vscode.Uri>();
  /** A validation of a document finished and its diagnostics are set (tests and the status bar can wait on it). */
  readonly onDidValidate = this.settled.event;

  constructor(private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void = () => {}) {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((doc) => this.schedule(doc, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length) this.schedule(e.document, DEBOUNCE_MS);
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => this.forget(doc.uri)),
    ];
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    const key = doc.uri.toString();
    if (!looksLikeTeamsManifest(doc)) {
      // It stopped being a Teams manifest (or never was): no stale squiggles.
      if (this.collection.has(doc.uri)) this.forget(doc.uri);
      return;
    }
    clearTimeout(this.timers.get(key));
    const run = (this.runs.get(key) ?? 0) + 1;
    this.runs.set(key, run);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.validate(doc, run);
      }, delay),
    );
  }

  private async validate(doc: vscode.TextDocument, run: number): Promise<void> {
    const key = doc.uri.toString();
    const text = doc.getText();
    let findings: TeamsFinding[];
    try {
      // Loaded on the first manifest, not at activation: it brings ajv (and compiles the schema on first use).
      const { validateManifestText } = await import('../teamsApp/index.js');
      findings = await validateManifestText(text, {
        dir: dirname(doc.uri.fsPath),
        fileName: MANIFEST,
        t: vscode.l10n.t,
      });
    } catch (err) {
      this.log('error', `Teams manifest check of ${doc.uri.fsPath} failed: ${(err as Error).message || String(err)}`);
      return;
    }
    if (this.runs.get(key) !== run || doc.isClosed) return;
    this.collection.set(doc.uri, toDiagnostics(findings, text));
    this.settled.fire(doc.uri);
  }

  /**
   * A whole report (a package, folder or manifest-file validation) on the manifest file it checked, whatever its
   * name; an open manifest gets fresh live findings on its next change.
   */
  async showReport(report: TeamsValidationReport, manifestPath: string): Promise<void> {
    const uri = vscode.Uri.file(manifestPath);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    let text: string;
    try {
      // Without a BOM, as the editor shows it and as the findings count columns.
      text = open && !open.isDirty ? open.getText() : (await readFile(uri.fsPath, 'utf8')).replace(/^\uFEFF/, '');
    } catch {
      return; // no manifest to put them on: the findings tree shows them
    }
    // A live run still in flight must not overwrite the report.
    this.runs.set(uri.toString(), (this.runs.get(uri.toString()) ?? 0) + 1);
    this.collection.set(uri, toDiagnostics(report.findings, text, basename(manifestPath)));
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.runs.set(key, (this.runs.get(key) ?? 0) + 1);
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const s of this.subscriptions) s.dispose();
    this.settled.dispose();
    this.collection.dispose();
  }
}
