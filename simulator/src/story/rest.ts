import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Configuration, ConfigurationUpdate } from '../../../shared/schemas/modules.js';

/** The REST sign-in header of the PBX (the story holds an admin token). */
const AUTH_HEADER = 'authToken';

/**
 * The story's REST client: the admin's configuration changes go to the simulator's own /rest over HTTP(S), so the
 * validation, the R17 bookkeeping and the events are those of any admin client.
 */
export class StoryRest {
  constructor(
    private readonly base: string,
    private readonly token: string,
    private readonly ca?: string,
  ) {}

  async configure(name: string, set: ConfigurationUpdate): Promise<void> {
    const config = await this.configuration(name);
    await this.send('PUT', `/modules/configurations/${config.id}`, set);
  }

  /** "Deactivate and activate the UCI connector": what applies saved changes (R17). */
  async restartConnector(name: string): Promise<void> {
    const config = await this.configuration(name);
    await this.send('PUT', `/modules/configurations/${config.id}/connector`, { active: false });
    await this.send('PUT', `/modules/configurations/${config.id}/connector`, { active: true });
  }

  private async configuration(name: string): Promise<Configuration> {
    const list = (await this.send('GET', '/modules/configurations')) as Configuration[];
    const config = list.find((c) => c.name === name);
    if (!config) throw new Error(`there is no module configuration "${name}"`);
    return config;
  }

  private send(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = new URL(this.base + path);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          headers: {
            [AUTH_HEADER]: this.token,
            accept: 'application/json',
            ...(payload !== undefined && { 'content-type': 'application/json' }),
          },
          ...(this.ca !== undefined && { ca: this.ca }),
          timeout: 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve(json);
            const message = (json as { message?: string } | undefined)?.message ?? text.slice(0, 200);
            reject(new Error(`${method} ${path}: ${status} ${message}`));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}
