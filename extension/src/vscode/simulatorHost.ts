import * as vscode from 'vscode';
import type { SimulatorAddresses } from '../model/tree/simulatorNode.js';
import { LocalSimulator, type ReadyLine } from '../simulator/localSimulator.js';

/** The one local simulator this window runs: data in the workspace storage, stopped with the window. */
export class SimulatorHost implements vscode.Disposable {
  private sim: LocalSimulator | undefined;
  private readonly changed = new vscode.EventEmitter<boolean>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get running(): boolean {
    return this.sim?.running ?? false;
  }

  /** The running simulator's addresses, from its ready line. */
  get addresses(): SimulatorAddresses | undefined {
    const ready = this.sim?.running ? this.sim.ready : undefined;
    if (!ready) return undefined;
    const { rest, uci, xmlRpc, sipUdp, sipTcp, sipWs, sipTls, fingerprint, pid } = ready;
    return { rest, uci, xmlRpc, sipUdp, sipTcp, sipWs, sipTls, fingerprint, pid };
  }

  /** The CA file of a simulator running with TLS (its ready line's `ca`): trusted for its own connection only. */
  get ca(): string | undefined {
    return this.sim?.running ? this.sim.ready?.ca : undefined;
  }

  get dataDir(): string {
    return vscode.Uri.joinPath(this.context.storageUri ?? this.context.globalStorageUri, 'simulator').fsPath;
  }

  async start(scenario: string | undefined, adminPassword: string): Promise<ReadyLine> {
    await this.stop();
    this.sim = new LocalSimulator({
      cliPath: this.context.asAbsolutePath('dist/simulator/cli.js'),
      dataDir: this.dataDir,
      scenario,
      adminPassword,
      tls: vscode.workspace.getConfiguration('starface.simulator').get<boolean>('tls', false),
      log: (level, message) => (level === 'warn' ? this.log.warn(message) : this.log.info(message)),
    });
    const ready = await this.sim.start();
    vscode.commands.executeCommand('setContext', 'starface.simulatorRunning', true);
    this.changed.fire(true);
    return ready;
  }

  async stop(): Promise<void> {
    if (!this.sim) return;
    const sim = this.sim;
    this.sim = undefined;
    await sim.stop();
    vscode.commands.executeCommand('setContext', 'starface.simulatorRunning', false);
    this.changed.fire(false);
  }

  dispose(): void {
    void this.stop();
    this.changed.dispose();
  }
}
