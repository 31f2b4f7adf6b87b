import assert from 'node:assert/strict';
import { checkKeyFile, type KeyFileFinding } from '../../extension/src/pbx/keyFileCheck.js';
import { englishOnly } from '../../extension/src/text/i18n.js';
import { PbxApi } from '../../extension/src/pbx/api.js';
import { PbxRestClient } from '../../extension/src/pbx/restClient.js';
import type { Configuration } from '../../shared/schemas/modules.js';
import { ADMIN_PASSWORD, startSim, type RunningSim } from '../support/rest.js';

const problems = (findings: KeyFileFinding[]) => findings.filter((f) => !f.ok).map((f) => f.message);

describe('extension checkKeyFile', () => {
  let sim: RunningSim;
  let api: PbxApi;
  let keyFileText: string;
  let configurations: Configuration[];

  beforeEach(async () => {
    sim = await startSim();
    const client = new PbxRestClient(sim.base);
    await client.login('admin', ADMIN_PASSWORD);
    api = new PbxApi(client);
    // The file exactly as the admin downloads it.
    const res = await fetch(`${sim.base}/modules/configurations/1/keyfile`, {
      headers: { authToken: sim.admin.token!, 'X-Version': '2' },
    });
    assert.equal(res.status, 200);
    keyFileText = await res.text();
    configurations = await api.configurations();
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('finds everything in order for the demo key file', () => {
    const findings = checkKeyFile(keyFileText, configurations, englishOnly);
    assert.deepEqual(problems(findings), []);
    const file = JSON.parse(keyFileText);
    const messages = findings.map((f) => f.message);
    assert.equal(messages[0], `Format 1 key file for "pbx.demo.starface.test", created ${file.createdAt}`);
    assert.ok(
      messages.includes(`The fingerprint matches the key (${configurations[0]!.keyFingerprint})`),
      messages.join('\n'),
    );
    assert.ok(messages.includes('The key belongs to configuration "Teams"'));
    assert.ok(messages.includes('The PBX name matches (pbx.demo.starface.test)'));
    // The API's zod schema accepts it too.
    return api.keyFile(1).then((parsed) => assert.equal(parsed.fingerprint, file.fingerprint));
  });

  it('notices an edited fingerprint', () => {
    const file = JSON.parse(keyFileText);
    file.fingerprint = 'SHA256:' + 'A'.repeat(43);
    const findings = checkKeyFile(JSON.stringify(file), configurations, englishOnly);
    const found = problems(findings);
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /does not match the key/);
    assert.match(found[0]!, /the file was edited/);
    assert.ok(found[0]!.includes(configurations[0]!.keyFingerprint!));
  });

  it('notices an edited key', () => {
    const file = JSON.parse(keyFileText);
    file.key = file.key.slice(0, -1) + (file.key.endsWith('A') ? 'B' : 'A');
    const found = problems(checkKeyFile(JSON.stringify(file), configurations, englishOnly));
    assert.ok(
      found.some((m) => /the file was edited/.test(m)),
      found.join('\n'),
    );
    assert.ok(
      found.some((m) => /replaced by a newer one/.test(m)),
      found.join('\n'),
    );
  });

  it('says "replaced by a newer one" after a new key was generated', async () => {
    const generated = await api.generateKey(1);
    assert.notEqual(generated.fingerprint, JSON.parse(keyFileText).fingerprint);
    const now = await api.configurations();
    const found = problems(checkKeyFile(keyFileText, now, englishOnly));
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /No configuration of this PBX has this key: it was replaced by a newer one/);

    // The new file is fine apart from the connector not yet running with it (R17).
    const fresh = JSON.stringify(await api.keyFile(1));
    const freshProblems = problems(checkKeyFile(fresh, now, englishOnly));
    assert.equal(now[0]!.pendingRestart, true);
    assert.deepEqual(freshProblems, [
      'The connector has not been restarted since the change: it may still use the previous key (R17)',
    ]);
  });

  it('names the PBX name that differs', async () => {
    await api.updateConfiguration(1, { pbxName: 'pbx.other.starface.test' });
    const found = problems(checkKeyFile(keyFileText, await api.configurations(), englishOnly));
    assert.ok(
      found.some((m) =>
        m.includes('("pbx.demo.starface.test") differs from the configuration ("pbx.other.starface.test")'),
      ),
      found.join('\n'),
    );
  });

  it('reports an inactive connector (R18)', async () => {
    await api.setConnector(1, false);
    const found = problems(checkKeyFile(keyFileText, await api.configurations(), englishOnly));
    assert.deepEqual(found, ['The UCI connector is inactive (R18)']);
  });

  it('refuses text that is not JSON', () => {
    const findings = checkKeyFile('{"format": 1,', configurations, englishOnly);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.ok, false);
    assert.match(findings[0]!.message, /^Not JSON: /);
  });

  it('refuses JSON that is not a key file, naming the field', () => {
    const wrongFormat = checkKeyFile(
      JSON.stringify({ ...JSON.parse(keyFileText), format: 2 }),
      configurations,
      englishOnly,
    );
    assert.equal(wrongFormat.length, 1);
    assert.match(wrongFormat[0]!.message, /^Not a STARFACE key file: format: /);
    const notAnObject = checkKeyFile('[1, 2, 3]', configurations, englishOnly);
    assert.match(notAnObject[0]!.message, /^Not a STARFACE key file: \(root\): /);
    const { key: _key, ...noKey } = JSON.parse(keyFileText);
    assert.match(
      checkKeyFile(JSON.stringify(noKey), configurations, englishOnly)[0]!.message,
      /^Not a STARFACE key file: key: /,
    );
  });

  it('points to the admin UI when the PBX has no configurations over REST', () => {
    const findings = checkKeyFile(keyFileText, null, englishOnly);
    const found = problems(findings);
    assert.equal(found.length, 1);
    assert.match(
      found[0]!,
      /does not expose its module configurations over REST; compare the fingerprint in the admin UI/,
    );
    assert.ok(findings.some((f) => f.ok && /fingerprint matches/.test(f.message)));
  });
});
