import * as vscode from 'vscode';
import { ConnectionSchema, type Connection } from '../../../shared/schemas/connection.js';

const SECTION = 'starface';
const KEY = 'connections';

/** `starface.connections`, validated entry by entry: a broken entry is reported and skipped, not fatal. */
export function readConnections(report: (message: string) => void): Connection[] {
  const raw = vscode.workspace.getConfiguration(SECTION).get<unknown[]>(KEY) ?? [];
  const out: Connection[] = [];
  raw.forEach((entry, i) => {
    const parsed = ConnectionSchema.safeParse(entry);
    if (parsed.success) {
      if (out.some((c) => c.name === parsed.data.name)) report(vscode.l10n.t('starface.connections[{0}]: the name "{1}" is used twice; the second is ignored', i, parsed.data.name));
      else out.push(parsed.data);
    } else {
      const issue = parsed.error.issues[0]!;
      report(vscode.l10n.t('starface.connections[{0}].{1}: {2}', i, issue.path.join('.'), issue.message));
    }
  });
  return out;
}

export async function writeConnections(connections: Connection[]): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(KEY, connections, vscode.ConfigurationTarget.Global);
}

export function onConnectionsChanged(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(`${SECTION}.${KEY}`)) listener();
  });
}
