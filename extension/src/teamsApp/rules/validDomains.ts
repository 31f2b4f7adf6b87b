// validDomains: what Teams accepts beyond the schema (wildcards, domains outside the publisher's control).
import type { Translate } from '../../text/i18n.js';
import { raw, type RawFinding } from '../findings.js';
import { hasPlaceholder } from '../placeholders.js';

export const MAX_VALID_DOMAINS = 16;

// Public suffixes commonly seen in `*.suffix` mistakes; `*.` + one of these is a top-level wildcard.
const SECOND_LEVEL_SUFFIXES = new Set([
  'co.uk',
  'org.uk',
  'ac.uk',
  'gov.uk',
  'com.au',
  'net.au',
  'org.au',
  'co.nz',
  'co.jp',
  'ne.jp',
  'or.jp',
  'com.br',
  'com.cn',
  'com.tr',
  'co.za',
  'co.in',
  'co.at',
  'or.at',
  'com.mx',
  'co.kr',
]);

// Shared hosting and tunnels: many tenants share the parent domain, so a wildcard there trusts strangers.
const SHARED_HOSTING = [
  'onmicrosoft.com',
  'azurewebsites.net',
  'cloudapp.net',
  'cloudapp.azure.com',
  'azurestaticapps.net',
  'azureedge.net',
  'blob.core.windows.net',
  'trafficmanager.net',
  'ngrok.io',
  'ngrok.app',
  'ngrok-free.app',
  'ngrok.dev',
  'devtunnels.ms',
  'loca.lt',
  'localtunnel.me',
  'herokuapp.com',
  'github.io',
  'netlify.app',
  'vercel.app',
  'pages.dev',
  'workers.dev',
  'firebaseapp.com',
  'web.app',
  'appspot.com',
  'cloudfront.net',
  'amazonaws.com',
  'glitch.me',
  'repl.co',
  'trycloudflare.com',
];

// Identity providers' sign-in hosts: Teams refuses them in validDomains (sign-in pages must not open inside the
// app). Only hosts that serve nothing but sign-in: a site that merely offers a login page (github.com) is fine.
const IDENTITY_PROVIDERS = [
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.microsoft.com',
  'login.live.com',
  'login.windows.net',
  'sts.windows.net',
  'accounts.google.com',
  'login.salesforce.com',
  'appleid.apple.com',
];
// Suffixes whose every subdomain is a tenant's sign-in host (contoso.b2clogin.com, contoso.okta.com, contoso.auth0.com).
const IDENTITY_PROVIDER_SUFFIXES = ['b2clogin.com', 'okta.com', 'oktapreview.com', 'auth0.com'];
const MAX_PORT = 65535;

const under = (host: string, domain: string) => host === domain || host.endsWith('.' + domain);

export function validDomainFindings(domains: unknown[], file: string, t: Translate): RawFinding[] {
  const out: RawFinding[] = [];
  if (domains.length > MAX_VALID_DOMAINS)
    out.push(
      raw(
        'error',
        'valid-domains-count',
        file,
        '/validDomains',
        t('validDomains lists {0} domains; Teams accepts at most {1}', domains.length, MAX_VALID_DOMAINS),
      ),
    );
  domains.forEach((d, i) => {
    if (typeof d !== 'string' || hasPlaceholder(d)) return;
    const pointer = `/validDomains/${i}`;
    const value = d.trim().toLowerCase();
    if (value === '{teamsitedomain}') return;
    if (/^[a-z][a-z0-9+.-]*:\/\//.test(value)) {
      out.push(
        raw(
          'error',
          'valid-domains-format',
          file,
          pointer,
          t('validDomains entry "{0}" must be a host name without scheme (e.g. "app.example.com")', d),
        ),
      );
      return;
    }
    const host = value.split(/[/:]/)[0]!;
    const port = /^[^/:]*:([^/]*)/.exec(value)?.[1];
    if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) > MAX_PORT)) {
      out.push(
        raw(
          'error',
          'valid-domains-format',
          file,
          pointer,
          t('validDomains entry "{0}": "{1}" is not a port number (digits, at most {2})', d, port, MAX_PORT),
        ),
      );
      return;
    }
    const labels = host.split('.');
    if (!/^[a-z0-9*.-]+$/.test(host) || labels.some((l) => l === '')) {
      out.push(
        raw('error', 'valid-domains-format', file, pointer, t('validDomains entry "{0}" is not a valid host name', d)),
      );
      return;
    }
    const badLabel = labels.find((l) => l.includes('*') && l !== '*');
    if (badLabel) {
      out.push(
        raw(
          'error',
          'valid-domains-wildcard',
          file,
          pointer,
          t(
            'validDomains entry "{0}": "*" must be a whole label and matches exactly one ("*.example.com"), not part of "{1}"',
            d,
            badLabel,
          ),
        ),
      );
      return;
    }
    const rest = labels.filter((l) => l !== '*').join('.');
    if (labels.includes('*')) {
      if (labels.indexOf('*') !== 0 || labels.lastIndexOf('*') !== 0) {
        out.push(
          raw(
            'error',
            'valid-domains-wildcard',
            file,
            pointer,
            t('validDomains entry "{0}": a wildcard is allowed only as the first label', d),
          ),
        );
        return;
      }
      if (labels.length <= 2 || SECOND_LEVEL_SUFFIXES.has(rest)) {
        out.push(
          raw(
            'error',
            'valid-domains-top-level',
            file,
            pointer,
            t(
              'validDomains entry "{0}" is a top-level wildcard; name a domain you control, e.g. "{1}"',
              d,
              `*.${rest === '' ? 'example.com' : 'example.' + rest}`,
            ),
          ),
        );
        return;
      }
      // Any depth: `*.s3.amazonaws.com` or `*.scm.azurewebsites.net` trusts other tenants as much as `*.amazonaws.com`.
      const shared = SHARED_HOSTING.find((s) => under(rest, s));
      if (shared) {
        out.push(
          raw(
            'error',
            'valid-domains-shared-hosting',
            file,
            pointer,
            t('validDomains entry "{0}" trusts every tenant of {1}; list your own host name instead', d, shared),
          ),
        );
        return;
      }
    }
    const wildcard = labels[0] === '*';
    if (
      IDENTITY_PROVIDERS.includes(rest) ||
      IDENTITY_PROVIDER_SUFFIXES.some((s) => rest.endsWith('.' + s) || (wildcard && rest === s))
    )
      out.push(
        raw(
          'error',
          'valid-domains-identity-provider',
          file,
          pointer,
          t('validDomains entry "{0}" is an identity provider\'s sign-in domain; Teams does not allow it', d),
        ),
      );
  });
  return out;
}
