// Issue 7 in a real VS Code extension host: "New Teams App Package" writes an app folder, the open manifest.json
// gets live diagnostics (Problems) with the rule as code and the range on the offending value, "Package Teams App"
// refuses unresolved placeholders and then writes build/appPackage.dev.zip, "Validate Teams App" on a broken zip
// fills the findings model. Commands run with their dialog-skipping arguments (a Uri first).
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import yazl from 'yazl';
import type { TeamsValidationReport } from '../../shared/schemas/teamsApp';
import type { DevKitApi } from '../../extension/src/extension';
import { englishOnly } from '../../extension/src/text/i18n';
import { until } from '../support/until';
import { activateDevKit } from './support/host';

const APP_NAME = 'Contoso Phone';
const LONG_NAME = 'Contoso Phone for Microsoft Teams and STARFACE'; // 47 characters: name.short allows 30

let api: DevKitApi;
const tmp = mkdtempSync(join(tmpdir(), 'starface-teams-test-'));
const appDir = join(tmp, 'contoso');
const manifestUri = vscode.Uri.file(join(appDir, 'manifest.json'));

function pngSize(path: string): { width: number; height: number } {
  const buf = readFileSync(path);
  assert.equal(buf.subarray(1, 4).toString('latin1'), 'PNG', `${path} is a PNG`);
  assert.equal(buf.subarray(12, 16).toString('latin1'), 'IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
const ours = () => vscode.languages.getDiagnostics(manifestUri).filter((d) => d.source === 'STARFACE Teams');

/** The range of `literal` (a JSON string with its quotes) in the document, as a diagnostic on the value has it. */
function rangeOf(doc: vscode.TextDocument, literal: string): vscode.Range {
  const text = doc.getText();
  const at = text.indexOf(literal);
  assert.ok(at >= 0, `the manifest holds ${literal}`);
  assert.equal(text.indexOf(literal, at + 1), -1, `${literal} occurs once`);
  return new vscode.Range(doc.positionAt(at), doc.positionAt(at + literal.length));
}

async function replaceLiteral(doc: vscode.TextDocument, from: string, to: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, rangeOf(doc, from), to);
  assert.ok(await vscode.workspace.applyEdit(edit), `replaced ${from}`);
}

const show = (ds: vscode.Diagnostic[]) =>
  ds
    .map(
      (d) =>
        `${codeOf(d)}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`,
    )
    .join('\n');

function zipOf(files: Array<[string, Buffer]>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const [name, data] of files) zip.addBuffer(data, name);
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.end();
  });
}

describe('Teams app package (real extension host)', function () {
  this.timeout(60_000);

  before(async () => {
    api = await activateDevKit();
    assert.ok(api.teams?.findings, 'the DevKitApi exposes the Teams findings model');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(tmp, { recursive: true, force: true });
  });

  it('starface.newTeamsApp creates manifest.json, both icons as PNGs of the right size and .env.dev, and opens the manifest', async () => {
    const created = await vscode.commands.executeCommand<{ manifestPath: string; envPath: string; files: string[] }>(
      'starface.newTeamsApp',
      vscode.Uri.file(appDir),
      { appName: APP_NAME },
    );
    assert.ok(created, 'the command returns what it created (undefined: it failed, see the STARFACE log)');
    assert.equal(created.manifestPath, manifestUri.fsPath);
    for (const f of ['manifest.json', 'color.png', 'outline.png', '.env.dev'])
      assert.ok(existsSync(join(appDir, f)), `${f} exists`);
    assert.deepEqual(pngSize(join(appDir, 'color.png')), { width: 192, height: 192 });
    assert.deepEqual(pngSize(join(appDir, 'outline.png')), { width: 32, height: 32 });
    const manifest = JSON.parse(readFileSync(manifestUri.fsPath, 'utf8'));
    assert.equal(manifest.name.short, APP_NAME);
    assert.match(manifest.$schema, /teams\/v1\.\d+\/MicrosoftTeams\.schema\.json$/);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, manifestUri.fsPath, 'the manifest is open');

    // The same folder again, without overwrite: refused, nothing replaced.
    const again = await vscode.commands.executeCommand('starface.newTeamsApp', vscode.Uri.file(appDir), {
      appName: 'Other',
    });
    assert.equal(again, undefined);
    assert.equal(JSON.parse(readFileSync(manifestUri.fsPath, 'utf8')).name.short, APP_NAME);
  });

  it('shows manifest findings as diagnostics while typing, with the rule as code and the range on the offending value', async () => {
    const doc = await vscode.workspace.openTextDocument(manifestUri);
    await vscode.window.showTextDocument(doc);
    // The fresh manifest holds only placeholders where values go: no errors.
    await until(
      'the first validation',
      () => (api.teams.diagnostics.collection.has(manifestUri) ? true : undefined),
      15_000,
    );
    assert.deepEqual(
      ours().filter((d) => d.severity === vscode.DiagnosticSeverity.Error),
      [],
      'a new app has no errors',
    );

    const outline = readFileSync(join(appDir, 'outline.png'));
    copyFileSync(join(appDir, 'color.png'), join(appDir, 'outline.png')); // 192×192 where 32×32 belongs
    await replaceLiteral(doc, '"${{DEVELOPER_WEBSITE_URL}}"', '"http://contoso.example.com"');
    await replaceLiteral(doc, `"${APP_NAME}"`, JSON.stringify(LONG_NAME));

    const wanted = ['developer-https', 'schema', 'icon-size'];
    const found = await until(
      'the three diagnostics',
      () => {
        const ds = ours();
        return wanted.every((w) => ds.some((d) => codeOf(d) === w)) ? ds : undefined;
      },
      15_000,
    );
    const one = (rule: string) => {
      const list = found.filter((d) => codeOf(d) === rule);
      assert.equal(list.length, 1, `one ${rule} diagnostic:\n${show(found)}`);
      return list[0]!;
    };
    const https = one('developer-https');
    assert.deepEqual(
      https.range,
      rangeOf(doc, '"http://contoso.example.com"'),
      'developer-https underlines the URL value',
    );
    assert.equal(https.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(https.source, 'STARFACE Teams');
    const code = https.code as { value: string; target: vscode.Uri };
    assert.equal(code.target.scheme, 'https', 'the code links to the rule help');
    assert.match(code.target.toString(), /learn\.microsoft\.com/);

    const tooLong = one('schema');
    assert.deepEqual(tooLong.range, rangeOf(doc, JSON.stringify(LONG_NAME)), 'the schema error underlines name.short');
    assert.match(tooLong.message, /30/);

    const icon = one('icon-size');
    assert.deepEqual(
      icon.range,
      rangeOf(doc, '"outline.png"'),
      'an icon finding sits on the manifest value that names the icon',
    );
    assert.match(icon.message, /outline\.png/);

    // Fix everything: the diagnostics go away.
    writeFileSync(join(appDir, 'outline.png'), outline);
    await replaceLiteral(doc, '"http://contoso.example.com"', '"${{DEVELOPER_WEBSITE_URL}}"');
    await replaceLiteral(doc, JSON.stringify(LONG_NAME), `"${APP_NAME}"`);
    await until(
      'the diagnostics to clear',
      () => (ours().some((d) => wanted.includes(codeOf(d))) ? undefined : true),
      15_000,
    );
    assert.ok(await doc.save());
  });

  it('starface.packageTeamsApp refuses an unresolved placeholder, then writes build/appPackage.dev.zip and manifest.dev.json', async () => {
    // No connection is signed in: the PBX values are missing.
    const refused = await vscode.commands.executeCommand<{
      ok: boolean;
      zipPath?: string;
      report: TeamsValidationReport;
    }>('starface.packageTeamsApp', vscode.Uri.file(appDir), 'dev');
    assert.ok(refused);
    assert.equal(refused.ok, false);
    assert.equal(refused.zipPath, undefined);
    const unresolved = refused.report.findings.filter((f) => f.rule === 'placeholder-unresolved');
    assert.ok(
      unresolved.some((f) => f.message.includes('STARFACE_PBX_NAME')),
      refused.report.findings.map((f) => f.message).join('\n'),
    );
    assert.ok(!existsSync(join(appDir, 'build', 'appPackage.dev.zip')), 'no zip after errors');
    assert.deepEqual(api.teams.findings.report, refused.report, 'the findings view shows the refused package');
    const problems = await until(
      'the unresolved placeholders in Problems',
      () => (ours().some((d) => codeOf(d) === 'placeholder-unresolved') ? ours() : undefined),
      15_000,
    );
    const placeholder = problems.find(
      (d) => codeOf(d) === 'placeholder-unresolved' && d.message.includes('STARFACE_PBX_NAME'),
    )!;
    const text = readFileSync(manifestUri.fsPath, 'utf8');
    const line = text.split('\n')[placeholder.range.start.line]!;
    assert.equal(
      line.slice(placeholder.range.start.character, placeholder.range.end.character),
      '${{STARFACE_PBX_NAME}}',
    );

    // The user enters the PBX values in .env.dev.
    const envPath = join(appDir, '.env.dev');
    const env = readFileSync(envPath, 'utf8')
      .replace(/^STARFACE_PBX_NAME=.*$/m, 'STARFACE_PBX_NAME=pbx.contoso.example')
      .replace(/^STARFACE_PBX_URL=.*$/m, 'STARFACE_PBX_URL=https://pbx.contoso.example');
    writeFileSync(envPath, env);
    const result = await vscode.commands.executeCommand<{
      ok: boolean;
      zipPath?: string;
      manifestPath?: string;
      report: TeamsValidationReport;
    }>('starface.packageTeamsApp', vscode.Uri.file(appDir), 'dev');
    assert.ok(result);
    assert.equal(result.ok, true, result.report.findings.map((f) => `${f.rule}: ${f.message}`).join('\n'));
    assert.equal(result.zipPath, join(appDir, 'build', 'appPackage.dev.zip'));
    assert.ok(existsSync(result.zipPath!));
    const resolved = readFileSync(join(appDir, 'build', 'manifest.dev.json'), 'utf8');
    assert.ok(!resolved.includes('${{'), 'the resolved manifest has no placeholder left');
    assert.deepEqual(JSON.parse(resolved).validDomains, ['pbx.contoso.example']);
    assert.equal(api.teams.findings.report?.errors, 0);
  });

  it('starface.validateTeamsApp on a zip with problems fills the findings model, grouped by file', async () => {
    const manifest = JSON.parse(readFileSync(join(appDir, 'build', 'manifest.dev.json'), 'utf8'));
    manifest.developer.privacyUrl = 'http://contoso.example.com/privacy';
    const zip = join(tmp, 'broken.zip');
    writeFileSync(
      zip,
      await zipOf([
        ['manifest.json', Buffer.from(JSON.stringify(manifest, null, 2))],
        ['color.png', readFileSync(join(appDir, 'color.png'))],
        ['outline.png', readFileSync(join(appDir, 'color.png'))],
        ['docs/readme.txt', Buffer.from('a folder Teams rejects')],
      ]),
    );
    const report = await vscode.commands.executeCommand<TeamsValidationReport>(
      'starface.validateTeamsApp',
      vscode.Uri.file(zip),
    );
    assert.ok(report);
    assert.equal(report.kind, 'zip');
    assert.equal(report.ok, false);
    const rules = [...new Set(api.teams.findings.rules)].sort();
    for (const rule of ['developer-https', 'icon-size', 'zip-folder'])
      assert.ok(rules.includes(rule), `${rule} in ${rules.join(', ')}`);
    const https = report.findings.find((f) => f.rule === 'developer-https')!;
    assert.equal(https.pointer, '/developer/privacyUrl');
    assert.equal(https.file, 'manifest.json');

    const [root] = api.teams.findings.roots(englishOnly);
    assert.ok(root);
    assert.equal(root.label, 'broken.zip');
    assert.match(root.description ?? '', /error/);
    const files = (root.children ?? []).map((c) => c.label);
    assert.equal(files[0], 'manifest.json', `manifest.json first: ${files.join(', ')}`);
    assert.ok(files.includes('outline.png'));
    const node = root.children![0]!.children!.find((n) => n.finding?.rule === 'developer-https');
    assert.ok(node, 'the manifest group holds the finding');
    assert.match(node.description ?? '', new RegExp(`^developer-https · ${https.line}:${https.column}$`));
  });

  it('starface.validateTeamsApp on the app folder reports it as valid', async () => {
    const report = await vscode.commands.executeCommand<TeamsValidationReport>(
      'starface.validateTeamsApp',
      vscode.Uri.file(appDir),
    );
    assert.ok(report);
    assert.equal(report.kind, 'folder');
    assert.equal(report.errors, 0, report.findings.map((f) => `${f.rule}: ${f.message}`).join('\n'));
    assert.deepEqual(api.teams.findings.report, report);
  });

  it('starface.validateTeamsApp on a manifest file of another name puts its findings on that file, not on manifest.json', async () => {
    const devManifest = join(appDir, 'manifest.dev.json');
    const m = JSON.parse(readFileSync(join(appDir, 'build', 'manifest.dev.json'), 'utf8'));
    m.developer.privacyUrl = 'http://contoso.example.com/privacy';
    writeFileSync(devManifest, JSON.stringify(m, null, 2));
    const report = await vscode.commands.executeCommand<TeamsValidationReport>(
      'starface.validateTeamsApp',
      vscode.Uri.file(devManifest),
    );
    assert.ok(report);
    assert.equal(report.kind, 'manifest');
    const uri = vscode.Uri.file(devManifest);
    const onDev = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'STARFACE Teams');
    const https = onDev.find((d) => codeOf(d) === 'developer-https');
    assert.ok(https, show(onDev));
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.deepEqual(https.range, rangeOf(doc, '"http://contoso.example.com/privacy"'));
    assert.ok(!ours().some((d) => codeOf(d) === 'developer-https'), 'manifest.json does not get them');
    rmSync(devManifest);
  });

  it('an icon finding lands on a "./color.png" manifest value', async () => {
    const dir = join(tmp, 'dot-slash');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'manifest.json'),
      readFileSync(manifestUri.fsPath, 'utf8').replace('"color.png"', '"./color.png"'),
    );
    copyFileSync(join(appDir, 'outline.png'), join(dir, 'color.png')); // 32×32 where 192×192 belongs
    copyFileSync(join(appDir, 'outline.png'), join(dir, 'outline.png'));
    const uri = vscode.Uri.file(join(dir, 'manifest.json'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const icon = await until(
      'the icon-size diagnostic',
      () => vscode.languages.getDiagnostics(uri).find((d) => codeOf(d) === 'icon-size'),
      15_000,
    );
    assert.deepEqual(icon.range, rangeOf(doc, '"./color.png"'));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  describe('with the bundled simulator signed in', () => {
    const simApp = join(tmp, 'with-pbx');

    after(async () => {
      if (api.simulator.running) await vscode.commands.executeCommand('starface.stopSimulator');
      await vscode.workspace.getConfiguration('starface').update('connections', [], vscode.ConfigurationTarget.Global);
    });

    it('fills STARFACE_PBX_NAME and STARFACE_PBX_URL from the selected connection, when creating and when packaging', async () => {
      const rest = await vscode.commands.executeCommand<string>('starface.startSimulator', { scenario: 'demo' });
      assert.ok(rest, 'the simulator started');
      const url = rest.replace(/\/rest$/, '');
      const pbxName = api.sessions.selected?.data?.configurations?.find((c) => c.configuration.active)?.configuration
        .pbxName;
      assert.equal(pbxName, 'pbx.demo.starface.test');

      const created = await vscode.commands.executeCommand<{ envPath: string }>(
        'starface.newTeamsApp',
        vscode.Uri.file(simApp),
        { appName: 'Demo', open: false },
      );
      assert.ok(created);
      const env = readFileSync(created.envPath, 'utf8');
      assert.match(env, new RegExp(`^STARFACE_PBX_NAME=${pbxName.replace(/\./g, '\\.')}$`, 'm'));
      assert.ok(env.split('\n').includes(`STARFACE_PBX_URL=${url}`), env);

      // Emptied in the env file, the values still come from the connection: nothing is unresolved.
      writeFileSync(created.envPath, env.replace(/^STARFACE_PBX_(NAME|URL)=.*$/gm, 'STARFACE_PBX_$1='));
      const result = await vscode.commands.executeCommand<{ ok: boolean; report: TeamsValidationReport }>(
        'starface.packageTeamsApp',
        vscode.Uri.file(simApp),
        { envName: 'dev', quiet: true },
      );
      assert.ok(result);
      const messages = result.report.findings.map((f) => `${f.rule} ${f.pointer}: ${f.message}`);
      assert.deepEqual(
        result.report.findings.filter((f) => f.rule === 'placeholder-unresolved'),
        [],
        messages.join('\n'),
      );
      assert.equal(result.ok, true, messages.join('\n'));
      const resolved = JSON.parse(readFileSync(join(simApp, 'build', 'manifest.dev.json'), 'utf8'));
      assert.deepEqual(resolved.validDomains, [pbxName]);
      assert.equal(resolved.staticTabs[0].websiteUrl, url);

      // A value in the env file wins over the connection's.
      writeFileSync(created.envPath, env.replace(/^STARFACE_PBX_NAME=.*$/m, 'STARFACE_PBX_NAME=pbx.own.example'));
      const own = await vscode.commands.executeCommand<{ ok: boolean; report: TeamsValidationReport }>(
        'starface.packageTeamsApp',
        vscode.Uri.file(simApp),
        { envName: 'dev', quiet: true },
      );
      assert.equal(own?.ok, true);
      assert.deepEqual(JSON.parse(readFileSync(join(simApp, 'build', 'manifest.dev.json'), 'utf8')).validDomains, [
        'pbx.own.example',
      ]);
    });
  });
});
