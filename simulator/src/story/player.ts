import { randomUUID } from 'node:crypto';
import { CALL_EVENT_SERVICE } from '../../../shared/schemas/calls.js';
import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import type { Story, StoryAction, StoryEventName, StoryStatus, StoryStep } from '../../../shared/schemas/story.js';
import { UCI_METHODS } from '../../../shared/schemas/uci.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log.js';
import { conflict } from '../state/errors.js';
import type { PbxState } from '../state/model.js';
import { findUserByLogin } from '../state/users.js';
import { Pacer, StoryStopped } from './pacer.js';
import { StoryPhone } from './phone.js';
import { StoryRest } from './rest.js';
import { StoryUciClient } from './uciClient.js';

/** Where the story reaches the simulator: its own listeners, as any client would. */
export interface StoryTargets {
  /** REST base URL (…/rest). */
  rest: string;
  uci: string;
  sipHost: string;
  sipUdpPort: number;
  /** With --tls: the CA certificate (PEM) to trust for REST and UCI. */
  ca?: string;
}

export interface StoryHost {
  state(): PbxState;
  bus: EventBus;
  log: Logger;
  /** undefined while the simulator is not listening. */
  targets(): StoryTargets | undefined;
  /** A REST token of the admin for the story's configuration changes; revoked when the story ends. */
  issueAdminToken(): string;
  revokeToken(token: string): void;
}

/**
 * Plays one story at a time. Each step is an action taken through the simulator's real paths (SIP REGISTER from
 * in-process phones, UCI click-to-dial and presence, REST configuration), then a pause scaled by `speed`; every
 * step publishes sim.events.story events so the inspector can show the narration.
 */
export class StoryPlayer {
  private run: StoryRun | undefined;
  private last: StoryStatus = { state: 'idle' };

  constructor(private readonly host: StoryHost) {}

  status(): StoryStatus {
    return this.run ? this.run.status() : this.last;
  }

  start(story: Story, speed: number): StoryStatus {
    if (this.run) {
      const s = this.run.status();
      throw conflict(
        'STORY_PLAYING',
        `The story "${s.story}" is playing (step ${s.step} of ${s.steps}): stop it first`,
        {
          story: s.story,
        },
      );
    }
    const targets = this.host.targets();
    if (!targets) throw conflict('NOT_RUNNING', 'The simulator is not listening');
    const run = new StoryRun(this.host, targets, story, speed);
    this.run = run;
    void run.play().then((final) => {
      this.last = final;
      this.run = undefined;
    });
    return run.status();
  }

  setPaused(paused: boolean): StoryStatus {
    if (!this.run) throw conflict('NO_STORY', 'No story is playing');
    this.run.setPaused(paused);
    return this.run.status();
  }

  /** Ends the playing story (its calls hung up, its phones unregistered); answers the state after. */
  async stop(): Promise<StoryStatus> {
    const run = this.run;
    if (!run) throw conflict('NO_STORY', 'No story is playing');
    const final = await run.stop();
    this.last = final;
    this.run = undefined;
    return final;
  }

  /** At the simulator's stop: ends a playing story quietly. */
  async close(): Promise<void> {
    if (this.run) await this.run.stop().catch(() => undefined);
  }
}

class StoryRun {
  private readonly pacer = new Pacer();
  private readonly phones = new Map<string, StoryPhone>();
  private readonly ucis = new Map<string, StoryUciClient>();
  private readonly rest: StoryRest;
  private readonly token: string;
  private step = 0;
  private finished: Promise<StoryStatus> | undefined;

  constructor(
    private readonly host: StoryHost,
    private readonly targets: StoryTargets,
    private readonly story: Story,
    private readonly speed: number,
  ) {
    this.token = host.issueAdminToken();
    this.rest = new StoryRest(targets.rest, this.token, targets.ca);
  }

  status(): StoryStatus {
    const current = this.story.steps[this.step - 1];
    return {
      state: this.pacer.paused ? 'paused' : 'playing',
      story: this.story.name,
      speed: this.speed,
      step: this.step,
      steps: this.story.steps.length,
      ...(current && { say: current.say }),
    };
  }

  setPaused(paused: boolean): void {
    if (paused === this.pacer.paused) return;
    if (paused) this.pacer.pause();
    else this.pacer.resume();
    this.emit(paused ? 'paused' : 'resumed');
  }

  stop(): Promise<StoryStatus> {
    this.pacer.stop();
    return this.finished ?? Promise.resolve(this.final());
  }

  play(): Promise<StoryStatus> {
    return (this.finished = this.playSteps());
  }

  private async playSteps(): Promise<StoryStatus> {
    let error: string | undefined;
    let outcome: StoryEventName = 'finished';
    this.emit('started', { description: this.story.description, speed: this.speed });
    try {
      for (const [i, step] of this.story.steps.entries()) {
        await this.pacer.sleep(0);
        this.step = i + 1;
        this.emit('step-started', { say: step.say, action: step.action });
        await this.perform(step);
        this.emit('step-done', { action: step.action.do });
        await this.pacer.sleep(step.pauseMs / this.speed);
      }
    } catch (err) {
      if (err instanceof StoryStopped) outcome = 'stopped';
      else {
        outcome = 'failed';
        error = `step ${this.step} (${this.story.steps[this.step - 1]?.action.do}): ${(err as Error).message}`;
        this.host.log('warn', 'story failed', { story: this.story.name, error });
      }
    }
    await this.cleanUp();
    this.emit(outcome, error === undefined ? {} : { error });
    return this.final(error);
  }

  private final(error?: string): StoryStatus {
    return {
      state: 'idle',
      story: this.story.name,
      speed: this.speed,
      step: this.step,
      steps: this.story.steps.length,
      ...(error !== undefined && { error }),
    };
  }

  private emit(event: StoryEventName, data: Record<string, unknown> = {}): void {
    this.host.bus.publish({
      service: SIM_SERVICES.story,
      event,
      data: { story: this.story.name, step: this.step, steps: this.story.steps.length, ...data },
    });
  }

  private perform(step: StoryStep): Promise<void> {
    const a: StoryAction = step.action;
    switch (a.do) {
      case 'register':
        return this.register(a.user);
      case 'unregister':
        return this.unregister(a.user);
      case 'call':
        return this.call(a);
      case 'presence':
        return this.presence(a);
      case 'configure':
        return this.rest.configure(a.configuration, a.set);
      case 'restart-connector':
        return this.rest.restartConnector(a.configuration);
    }
  }

  private user(login: string) {
    const user = findUserByLogin(this.host.state(), login);
    if (!user) throw new Error(`there is no user "${login}" on this PBX (is the story's scenario applied?)`);
    return user;
  }

  private async register(login: string): Promise<void> {
    const user = this.user(login);
    let phone = this.phones.get(login);
    if (!phone) {
      phone = new StoryPhone({
        login,
        secret: user.sipPassword,
        host: this.targets.sipHost,
        port: this.targets.sipUdpPort,
      });
      this.phones.set(login, phone);
      await phone.open();
    }
    await phone.register();
  }

  private async unregister(login: string): Promise<void> {
    const phone = this.phones.get(login);
    if (!phone) return;
    this.phones.delete(login);
    try {
      await phone.register(0);
    } finally {
      phone.close();
    }
  }

  private async uci(login: string): Promise<StoryUciClient> {
    let client = this.ucis.get(login);
    if (!client) {
      client = await StoryUciClient.open(this.targets.uci, login, this.user(login).passwordHash, this.targets.ca);
      this.ucis.set(login, client);
      await client.request(UCI_METHODS.subscribeEvents, { services: [CALL_EVENT_SERVICE] });
    }
    return client;
  }

  private async call(a: Extract<StoryAction, { do: 'call' }>): Promise<void> {
    if (!this.phones.has(a.from)) throw new Error(`the phone of ${a.from} is not registered: register it first`);
    const callee = this.host.state().users.find((u) => u.extension === a.to || u.login === a.to);
    const calleePhone = callee && this.phones.get(callee.login);
    const client = await this.uci(a.from);
    const callId = randomUUID();
    const ofThisCall = (state: string) => (n: { data: Record<string, unknown> }) =>
      n.data.id === callId && n.data.login === a.from && n.data.state === state;
    // Connected when answered; ringing at the callee (RINGBACK) when nobody picks up.
    const reached = client.waitFor(`call ${a.from} → ${a.to}`, ofThisCall(a.answer ? 'CONNECTED' : 'RINGBACK'));
    reached.catch(() => undefined);
    if (calleePhone) calleePhone.answer = a.answer;
    let placed = false;
    try {
      await client.request(UCI_METHODS.placeCallWithPhone, { destination: a.to, callId });
      placed = true;
      await reached;
      await this.pacer.sleep(a.holdMs / this.speed);
      const ended = client.waitFor(`the end of call ${a.from} → ${a.to}`, ofThisCall('HANGUP'));
      ended.catch(() => undefined);
      placed = false;
      await client.request(UCI_METHODS.hangupCall, { callId });
      await ended;
    } finally {
      if (calleePhone) calleePhone.answer = true;
      // Stopped or failed mid-call: the call must not outlive the story.
      if (placed) await client.request(UCI_METHODS.hangupCall, { callId }).catch(() => undefined);
    }
  }

  private async presence(a: Extract<StoryAction, { do: 'presence' }>): Promise<void> {
    const client = await this.uci(a.user);
    if (a.message !== undefined) await client.request(UCI_METHODS.setChatPresenceMessage, { message: a.message });
    if (a.doNotDisturb !== undefined)
      await client.request(UCI_METHODS.setDoNotDisturbSetting, { doNotDisturb: a.doNotDisturb });
  }

  /** The story leaves no phone registered on a socket that is about to close, nor a session behind. */
  private async cleanUp(): Promise<void> {
    for (const login of [...this.phones.keys()]) await this.unregister(login).catch(() => undefined);
    for (const client of this.ucis.values()) client.close();
    this.ucis.clear();
    this.host.revokeToken(this.token);
  }
}
