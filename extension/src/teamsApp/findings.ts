// Findings as the rules produce them (pointer + anchor) and their help links on Microsoft Learn.
import type { TeamsFinding, TeamsRule, TeamsSeverity } from '../../../shared/schemas/teamsApp.js';
import { WHOLE_FILE, type Anchor, type JsonLocator } from './locate.js';

const LEARN = 'https://learn.microsoft.com/en-us/microsoftteams/platform';
const SCHEMA = `${LEARN}/resources/schema/manifest-schema`;
const PACKAGE = `${LEARN}/concepts/build-and-test/apps-package`;

/** Help link of a rule id; prefixes cover families like 'valid-domains-…'. */
const HELP: Array<[RegExp, string]> = [
  [/^json-/, `${SCHEMA}#sample-app-manifest`],
  [/^schema-version|^schema-unknown|^schema-missing/, `${SCHEMA}#schema`],
  [/^schema$/, SCHEMA],
  [/^version-semver$/, `${SCHEMA}#version`],
  [/^developer-https$/, `${SCHEMA}#developer`],
  [/^names-differ$/, `${SCHEMA}#name`],
  [/^description-/, `${SCHEMA}#description`],
  [/^guid$/, `${SCHEMA}#id`],
  [/^icon-|^outline-/, `${PACKAGE}#app-icons`],
  [/^valid-domains-/, `${SCHEMA}#validdomains`],
  [/^localization-/, `${LEARN}/concepts/build-and-test/apps-localization`],
  [/^zip-|^manifest-|^package-/, `${PACKAGE}#app-package`],
  [/^placeholder-|^env-/, `${LEARN}/toolkit/teamsfx-multi-env`],
];

export function helpUrl(rule: string): string {
  return HELP.find(([re]) => re.test(rule))?.[1] ?? SCHEMA;
}

/** A finding before it has a place: the pointer (and anchor) are turned into a range by the file's locator. */
export interface RawFinding {
  severity: TeamsSeverity;
  rule: TeamsRule;
  message: string;
  file: string;
  pointer: string;
  anchor?: Anchor;
  /** An explicit offset range in the locator's text (syntax errors, placeholders). */
  offsets?: { start: number; end: number };
}

export function raw(
  severity: TeamsSeverity,
  rule: TeamsRule,
  file: string,
  pointer: string,
  message: string,
  anchor?: Anchor,
): RawFinding {
  return { severity, rule, file, pointer, message, ...(anchor ? { anchor } : {}) };
}

export function place(f: RawFinding, locator: JsonLocator | undefined): TeamsFinding {
  const range = !locator
    ? WHOLE_FILE
    : f.offsets
      ? locator.rangeOfOffsets(f.offsets.start, f.offsets.end)
      : locator.rangeOf(f.pointer, f.anchor);
  return {
    severity: f.severity,
    rule: f.rule,
    message: f.message,
    pointer: f.pointer,
    file: f.file,
    ...range,
    helpUrl: helpUrl(f.rule),
  };
}
