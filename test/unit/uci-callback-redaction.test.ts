import assert from 'node:assert/strict';
import { redactedCallbackPath, redactedCallbackUrl } from '../../simulator/src/uci/xmlrpc/callbackQueue.js';

// A callback path may be the client's secret; logs and sim.events.log show at most 4 characters of it.
describe('UCI XML-RPC: the callback path in logs is redacted', () => {
  it('several segments: the first and 4 characters of the rest', () => {
    assert.equal(redactedCallbackPath('/uci-callback/abcdefghijklmnopqrstuvwxyz'), '/uci-callback/abcd…');
    assert.equal(redactedCallbackPath('/a/b/c/secret-secret'), '/a/b/c/…');
    assert.equal(redactedCallbackPath('/cb/secret-secret/'), '/cb/secr…');
  });

  it('one segment, with or without a trailing slash or a query-like tail: 4 characters of it', () => {
    assert.equal(redactedCallbackPath('/abcdefghijklmnopqrstuvwxyz012345'), '/abcd…');
    assert.equal(redactedCallbackPath('/abcdefghijklmnopqrstuvwxyz012345/'), '/abcd…');
    assert.equal(redactedCallbackPath('/cb?token=abcdefghijklmnop'), '/cb?t…');
    assert.equal(redactedCallbackPath('//abcdefghijklmnop'), '//abcd…');
  });

  it('nothing to hide: "/" and a segment of at most 4 characters stay', () => {
    assert.equal(redactedCallbackPath('/'), '/');
    assert.equal(redactedCallbackPath('/rpc'), '/rpc');
    assert.equal(redactedCallbackPath('/rpc/'), '/rpc/');
  });

  it('the URL keeps scheme, host and port; the secret never appears', () => {
    const url = redactedCallbackUrl({ type: 'http', host: '::1', port: 20001, path: '/s3cr3t-t0k3n-value' });
    assert.equal(url, 'http://[::1]:20001/s3cr…');
    assert.ok(!url.includes('t0k3n'));
  });
});
