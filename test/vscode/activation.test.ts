// The extension in a real VS Code extension host (code-server 4.100.3): it is found, activates, and its
// commands answer. Runs through test/vscode/run.mjs (`npm run test:vscode`).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './support/host';

describe('extension activation (real VS Code extension host)', () => {
  it('runs in VS Code 1.100', () => {
    assert.match(vscode.version, /^1\.100\./);
  });

  it('is installed from the development folder and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is present`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('starface.showVersion returns the package.json version', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const pkg = JSON.parse(readFileSync(join(ext.extensionPath, 'package.json'), 'utf8')) as { version: string };
    const answer = await vscode.commands.executeCommand<unknown>('starface.showVersion');
    assert.equal(typeof answer, 'string');
    assert.ok(String(answer).includes(pkg.version), `"${String(answer)}" contains ${pkg.version}`);
  });
});
