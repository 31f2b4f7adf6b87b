import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DescribedError, errorText } from '../../extension/src/text/errorText.js';
import { englishOnly, type Translate } from '../../extension/src/text/i18n.js';
import { PbxError, PbxRestClient } from '../../extension/src/pbx/restClient.js';
import { closedPort } from '../support/net.js';

const bundle = JSON.parse(readFileSync('l10n/bundle.l10n.de.json', 'utf8')) as Record<string, string>;
/** What vscode.l10n.t does with the German bundle. */
const german: Translate = (message, ...args) => englishOnly(bundle[message] ?? `MISSING: ${message}`, ...args);

describe('extension: error texts in the user language', () => {
  it('a failure the extension words itself is English in logs and German in a German UI', async () => {
    const port = await closedPort();
    const client = new PbxRestClient(`http://127.0.0.1:${port}/rest`, { timeoutMs: 2000 });
    const err = await client.login('1001', 'x').then(
      () => assert.fail('nothing listens there'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof PbxError);
    assert.equal(err.message, `Nothing listens at http://127.0.0.1:${port}/rest (connection refused)`);
    assert.equal(errorText(err, german), `Unter http://127.0.0.1:${port}/rest antwortet nichts (Verbindung abgelehnt)`);
  });

  it("the PBX's own message is shown as the PBX sent it", () => {
    const err = new PbxError('All 2 licence(s) of type "MS Teams Integration" are assigned', 409, 'LICENCE_EXHAUSTED');
    assert.equal(errorText(err, german), err.message);
  });

  it('simulator start failures translate too', () => {
    const err = new DescribedError({ code: 'SIM_EXITED', how: 'code 2', reason: 'starface-sim: port 8080 is in use' });
    assert.equal(err.message, 'The simulator exited (code 2): starface-sim: port 8080 is in use');
    assert.equal(errorText(err, german), 'Der Simulator wurde beendet (code 2): starface-sim: port 8080 is in use');
  });
});
