import * as vscode from 'vscode';
import type { WalkthroughModel } from '../model/walkthroughModel.js';
import type { StepId, StepState } from '../walkthrough/steps.js';

/** The walkthrough's id in package.json (`contributes.walkthroughs`). */
export const WALKTHROUGH_ID = 'starface.setup';

/** The context key a step's `completionEvents` (`onContext:…`) listens to. */
export const stepContextKey = (id: StepId) => `starface.walkthrough.${id}`;

/**
 * Mirrors the model's step states onto the walkthrough: the context keys its steps' `completionEvents` name, and
 * the ticks themselves.
 *
 * Why the two workbench commands: a step's `completionEvents: ["onContext:…"]` only ever ticks. The getting-started
 * service (VS Code's `IWalkthroughsService`, bundled in code-server 4.100.3's workbench.js) keeps ticks in storage
 * and has no completion event that unticks; worse, it fires each completion event at most once per window
 * (`progressByEvent` remembers it in a set), so after an untick the same context key turning true again would not
 * tick the step a second time. The service's `deprogressStep`/`progressStep` are reached through the commands
 * `welcome.markStepIncomplete` and `welcome.markStepComplete` (argument: the full step id,
 * `<publisher>.<name>#<walkthrough>#<step>`), which VS Code itself registers (gettingStarted.contribution.ts, titled
 * "Mark Step Complete"/"Mark Step Incomplete"; the page's own check box calls the same two service methods). They
 * are not documented extension API: should a VS Code lack them, the call fails, this logs it once and tries again
 * with the next states, and the steps still tick through `onContext` (they just no longer untick).
 * Ticks in storage outlive a window, so the first states (before any PBX is signed in: nothing known) untick
 * whatever an earlier session left ticked: a tick always means "the PBX followed now meets this".
 */
export class WalkthroughTicks {
  private readonly shown = new Map<StepId, boolean>();
  private readonly subscription: { dispose(): void };
  private warned = false;

  constructor(
    private readonly model: WalkthroughModel,
    private readonly extensionId: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = model.onDidChange((states) => void this.apply(states));
    void this.apply(model.states);
  }

  /** The full step id the workbench knows the step by. */
  stepId(id: StepId): string {
    return `${this.extensionId}#${WALKTHROUGH_ID}#${id}`;
  }

  /** Whether the step was last shown ticked (its context key's value); undefined before the first states. */
  ticked(id: StepId): boolean | undefined {
    return this.shown.get(id);
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private async apply(states: readonly StepState[]): Promise<void> {
    const changes: Promise<unknown>[] = [];
    for (const state of states) {
      const done = state.status === 'done';
      if (this.shown.get(state.id) === done) continue;
      this.shown.set(state.id, done);
      changes.push(
        Promise.resolve(vscode.commands.executeCommand('setContext', stepContextKey(state.id), done)),
        Promise.resolve(
          vscode.commands.executeCommand(
            done ? 'welcome.markStepComplete' : 'welcome.markStepIncomplete',
            this.stepId(state.id),
          ),
        ).catch((err: unknown) => {
          // Tried again with the next states (e.g. the workbench had not registered the steps yet).
          if (this.shown.get(state.id) === done) this.shown.delete(state.id);
          if (this.warned) return;
          this.warned = true;
          this.log.warn(
            `walkthrough: could not ${done ? 'tick' : 'untick'} step ${state.id}: ${(err as Error).message}`,
          );
        }),
      );
    }
    await Promise.all(changes);
  }
}
