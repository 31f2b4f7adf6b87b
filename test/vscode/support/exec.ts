// Runs a command in the extension host with a bound: a command that falls back to a prompt must not hang the suite.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export async function exec<T>(ms: number, command: string, ...args: unknown[]): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  const run = vscode.commands.executeCommand<T>(command, ...args);
  const result = await Promise.race([run, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') {
    // Close whatever input box or quick pick it opened, so that the command ends.
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await run.then(undefined, () => undefined);
    assert.fail(`${command} did not finish within ${ms} ms (did it open a prompt?)`);
  }
  return result as T | undefined;
}
