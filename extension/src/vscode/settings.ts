import * as vscode from 'vscode';
import { ConnectionSchema, type Connection } from '../../../shared/schemas/connection.js';
import type { UciLiveSettings } from '../model/pbxSession.js';

const SECTION = 'starface';
const KEY = 'connections';

/** `starface.connections`, validated entry by entry: a broken entry is reported and skipped, not fatal. */
export function readConnections(report: (message: string) => void): Connection[] {
  const raw = vscode.workspace.getConfiguration(SECTION).get<unknown[]>(KEY) ?? [];
  const out: Connection[] = [];
  raw.forEach((entry, i) => {
    const parsed = ConnectionSchema.safeParse(entry);
    if (parsed.success) {
      if (out.some((c) => c.name === parsed.data.name))
        report(
          vscode.l10n.t(
            'starface.connections[{0}]: the name "{1}" is used twice; the second is ignored',
            i,
            parsed.data.name,
          ),
        );
      else out.push(parsed.data);
    } else {
      const issue = parsed.error.issues[0]!;
      report(vscode.l10n.t('starface.connections[{0}].{1}: {2}', i, issue.path.join('.'), issue.message));
    }
  });
  return out;
}

/** Writes the list; the default sign-in method (`auth: auto`) is left out, so entries stay as short as typed. */
export async function writeConnections(connections: Connection[]): Promise<void> {
  const entries = connections.map(({ auth, ...rest }) => (auth === 'auto' ? rest : { ...rest, auth }));
  await vscode.workspace.getConfiguration(SECTION).update(KEY, entries, vscode.ConfigurationTarget.Global);
}

export function onConnectionsChanged(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(`${SECTION}.${KEY}`)) listener();
  });
}

const UCI_TRANSPORTS = ['auto', 'websocket', 'xml-rpc'] as const;

/** starface.uci.*: an unknown transport counts as `auto`, a port out of range as 0 (a free one). */
export function readUciSettings(): UciLiveSettings {
  const c = vscode.workspace.getConfiguration(`${SECTION}.uci`);
  const transport = c.get<string>('transport', 'auto');
  const port = c.get<number>('callbackPort', 0);
  return {
    transport: (UCI_TRANSPORTS as readonly string[]).includes(transport)
      ? (transport as UciLiveSettings['transport'])
      : 'auto',
    callbackAddress: (c.get<string>('callbackAddress', '') ?? '').trim(),
    callbackPort: Number.isInteger(port) && port >= 0 && port <= 65535 ? port : 0,
  };
}

export function onUciSettingsChanged(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(`${SECTION}.uci`)) listener();
  });
}
