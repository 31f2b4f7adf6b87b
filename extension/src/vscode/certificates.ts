import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { restBaseUrl, type Connection } from '../../../shared/schemas/connection.js';
import { normalizeFingerprint } from '../../../shared/tlsFingerprint.js';
import { createPbxFetch } from '../pbx/httpsFetch.js';
import type { CertificateDetails, ConnectionTrust, PinStore, TrustPrompt } from '../pbx/tlsTrust.js';

const t = vscode.l10n.t;
/** globalState: pin key → SHA-256 fingerprint. Not synced: a pin is this machine's decision. */
const PINS = 'starface.certificatePins';

/** A pin belongs to one connection: its name and its address, so a renamed or re-pointed connection asks again. */
export function pinKey(connection: Pick<Connection, 'name' | 'url'>): string {
  let url: string;
  try {
    url = restBaseUrl(connection.url);
  } catch {
    url = connection.url;
  }
  return `${connection.name}\n${url}`;
}

/** What a test sees of a prompt the extension showed (the same text the modal has). */
export interface CertificatePromptSeen {
  kind: 'trust' | 'changed';
  connection: string;
  cert: CertificateDetails;
  pinned?: string;
  message: string;
  detail: string;
}

/**
 * The certificate decisions of this window: pins in globalState keyed by connection, the modal that asks about an
 * unknown certificate, the warning for a changed one. The local simulator's CA is trusted for connections of kind
 * `simulator` only: a `pbx` connection to the same address is asked about like any other.
 */
export class CertificateTrust implements vscode.Disposable {
  private readonly shown = new vscode.EventEmitter<CertificatePromptSeen>();
  /** Each prompt as it opens (tests check the details it showed). */
  readonly onDidShowPrompt = this.shown.event;
  /**
   * Tests only: answers the modals in place of a user (true: "Trust for this connection"), as VS Code refuses to
   * show dialogs in an extension test run. The text it gets is the modal's own. Heeded only in an extension test
   * run: the API is open to every extension, and none may trust a certificate for the user.
   */
  answerForTests: ((seen: CertificatePromptSeen) => boolean) | undefined;

  constructor(
    private readonly state: vscode.Memento,
    /** The running local simulator's CA file (its ready line's `ca`), if it runs with TLS. */
    private readonly simulatorCa: () => string | undefined,
    private readonly log: vscode.LogOutputChannel,
    /** True in an extension test run (`ExtensionMode.Test`): only then does `answerForTests` answer. */
    private readonly testRun: boolean,
  ) {}

  private get testAnswer(): ((seen: CertificatePromptSeen) => boolean) | undefined {
    return this.testRun ? this.answerForTests : undefined;
  }

  /** The transport for one connection's session (restClient's `fetch`). */
  transportFor(connection: Connection): typeof fetch {
    return createPbxFetch(this.trustFor(connection));
  }

  trustFor(connection: Connection): ConnectionTrust {
    const key = pinKey(connection);
    const pins: PinStore = {
      get: () => this.pins()[key],
      set: async (fingerprint) => {
        await this.state.update(PINS, { ...this.pins(), [key]: fingerprint });
        this.log.info(`certificate SHA-256 ${fingerprint} pinned for ${connection.name}`);
      },
    };
    const prompt: TrustPrompt = {
      askTrust: (name, cert) => this.askTrust(name, cert),
      warnChanged: (name, cert, pinned) => void this.warnChanged(name, cert, pinned),
    };
    return {
      connection: connection.name,
      pins,
      prompt,
      extraCa: () => (connection.kind === 'simulator' ? this.simulatorCaPem() : []),
    };
  }

  pinned(connection: Pick<Connection, 'name' | 'url'>): string | undefined {
    return this.pins()[pinKey(connection)];
  }

  /** Forgets a connection's pin; answers whether there was one. */
  async forget(connection: Pick<Connection, 'name' | 'url'>): Promise<boolean> {
    const pins = { ...this.pins() };
    const key = pinKey(connection);
    if (!(key in pins)) return false;
    delete pins[key];
    await this.state.update(PINS, pins);
    this.log.info(`certificate pin of ${connection.name} forgotten`);
    return true;
  }

  dispose(): void {
    this.shown.dispose();
  }

  private pins(): Record<string, string> {
    const raw = this.state.get<Record<string, unknown>>(PINS) ?? {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) {
      const fp = typeof v === 'string' ? normalizeFingerprint(v) : undefined;
      if (fp) out[k] = fp;
    }
    return out;
  }

  private simulatorCaPem(): string[] {
    const file = this.simulatorCa();
    if (!file) return [];
    try {
      return [readFileSync(file, 'utf8')];
    } catch (err) {
      this.log.warn(`the simulator's CA ${file} cannot be read: ${(err as Error).message}`);
      return [];
    }
  }

  private async askTrust(connection: string, cert: CertificateDetails): Promise<boolean> {
    const trust = t('Trust for this connection');
    const message = t('Trust this certificate for connection "{0}"?', connection);
    const detail = [
      t('The certificate is not trusted by a known certificate authority: {0}', cert.reason ?? ''),
      '',
      ...describeCertificate(cert),
      '',
      t(
        'Compare the fingerprint with the one the PBX shows (admin UI or its administrator) before trusting it. It is trusted for this connection only.',
      ),
    ].join('\n');
    const seen: CertificatePromptSeen = { kind: 'trust', connection, cert, message, detail };
    this.shown.fire(seen);
    let answer: string | undefined;
    try {
      const testAnswer = this.testAnswer;
      answer = testAnswer
        ? testAnswer(seen)
          ? trust
          : undefined
        : await vscode.window.showWarningMessage(message, { modal: true, detail }, trust);
    } catch (err) {
      // No dialog could be shown: nobody decided, so the certificate is not trusted.
      this.log.warn(`the certificate prompt for ${connection} could not be shown: ${(err as Error).message}`);
    }
    this.log.info(
      `certificate SHA-256 ${cert.fingerprint} of ${connection}: ${answer === trust ? 'trusted' : 'not trusted'}`,
    );
    return answer === trust;
  }

  private async warnChanged(connection: string, cert: CertificateDetails, pinned: string): Promise<void> {
    const message = t('The certificate of connection "{0}" has CHANGED', connection);
    const detail = [
      t('Trusted (pinned) SHA-256: {0}', pinned),
      t('Presented now SHA-256: {0}', cert.fingerprint),
      '',
      ...describeCertificate(cert),
      '',
      t(
        'The connection is refused. Someone may be intercepting it, or the PBX got a new certificate. If you are sure it did, run "Forget Trusted Certificate" on the connection and decide again.',
      ),
    ].join('\n');
    this.log.warn(`certificate of ${connection} changed: pinned ${pinned}, presented ${cert.fingerprint}; refused`);
    const seen: CertificatePromptSeen = { kind: 'changed', connection, cert, pinned, message, detail };
    this.shown.fire(seen);
    const testAnswer = this.testAnswer;
    if (testAnswer) {
      testAnswer(seen);
      return;
    }
    await vscode.window.showWarningMessage(message, { modal: true, detail }).then(undefined, (err: Error) => {
      this.log.warn(`the certificate warning for ${connection} could not be shown: ${err.message}`);
    });
  }
}

function describeCertificate(cert: CertificateDetails): string[] {
  return [
    t('Subject: {0}', cert.subject),
    t('Issuer: {0}', cert.issuer),
    t('Valid from {0} to {1}', cert.validFrom, cert.validTo),
    t('Names (SAN): {0}', cert.subjectAltNames.join(', ') || '—'),
    t('SHA-256 fingerprint: {0}', cert.fingerprint),
  ];
}
