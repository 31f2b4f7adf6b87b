import { z } from 'zod';
import { AppSessionSchema, AppSessionUpdateSchema } from '../schemas/app.js';
import { CallJournalPageSchema, CallJournalQuerySchema } from '../schemas/callJournal.js';
import { CallListSchema } from '../schemas/calls.js';
import { ApiErrorSchema } from '../schemas/common.js';
import { SimCredentialsSchema, SipSecretAnswerSchema, SipSecretUpdateSchema } from '../schemas/credentials.js';
import { EventListSchema, EventQuerySchema } from '../schemas/events.js';
import { OAuthClientInfoSchema } from '../schemas/oauth.js';
import { RegistrationListSchema } from '../schemas/registrations.js';
import { ScenarioApplySchema } from '../schemas/scenario.js';
import { StoryPauseSchema, StoryStartSchema, StoryStatusSchema } from '../schemas/story.js';
import { TeamsLoginFailureSchema, TeamsLoginRequestSchema, TeamsLoginSuccessSchema } from '../schemas/teamsLogin.js';
import { ReplayAcceptedSchema, ReplayRequestSchema } from '../schemas/uci.js';
import { endpoints } from './endpoint.js';

/** The simulator's own resources: what a trainer or a test needs to see and steer, beyond the real API. */
export const SIM_API = endpoints({
  getAppSession: {
    method: 'get',
    path: '/sim/users/{userId}/app',
    summary: "A user's STARFACE desktop app session (R4)",
    access: 'admin',
    real: false,
    responses: { 200: AppSessionSchema },
  },
  putAppSession: {
    method: 'put',
    path: '/sim/users/{userId}/app',
    summary: "Set a user's desktop app session",
    access: 'admin',
    real: false,
    body: AppSessionUpdateSchema,
    responses: { 200: AppSessionSchema },
  },
  teamsLogin: {
    method: 'post',
    path: '/sim/teams/login',
    summary: 'Sign in as the STARFACE App for Teams does; 403 lists every unmet requirement',
    access: 'public',
    real: false,
    body: TeamsLoginRequestSchema,
    responses: { 200: TeamsLoginSuccessSchema, 403: TeamsLoginFailureSchema, 429: ApiErrorSchema },
  },
  getRegistrations: {
    method: 'get',
    path: '/sim/registrations',
    summary: 'Current SIP bindings (registrar)',
    access: 'admin',
    real: false,
    responses: { 200: RegistrationListSchema },
  },
  getCredentials: {
    method: 'get',
    path: '/sim/credentials',
    summary:
      "Every user's SIP secret, and the login password where it is also the SIP secret (the built-in scenarios' users; all others are kept as a hash only): a trainer's cheat sheet",
    access: 'admin',
    real: false,
    responses: { 200: SimCredentialsSchema },
  },
  putSipSecret: {
    method: 'put',
    path: '/sim/users/{userId}/sip-secret',
    summary:
      "Set a user's SIP secret (the digest password of their softphone), or have a new one generated ({}); the answer shows it once. Never the login password",
    access: 'self',
    real: false,
    body: SipSecretUpdateSchema,
    responses: { 200: SipSecretAnswerSchema, 400: ApiErrorSchema, 404: ApiErrorSchema, 409: ApiErrorSchema },
  },
  getOAuthClient: {
    method: 'get',
    path: '/sim/oauth',
    summary:
      "The PBX's OAuth client for the password grant (STARFACE 10+): client id and secret (the admin UI shows them under Server › Status › REST-API), token URL, lifetimes and the right a user needs; 404 below version 10",
    access: 'admin',
    real: false,
    responses: { 200: OAuthClientInfoSchema, 404: ApiErrorSchema },
  },
  getCalls: {
    method: 'get',
    path: '/sim/calls',
    summary: 'Live calls through the SIP proxy, both parties with their UCI call states',
    access: 'admin',
    real: false,
    responses: { 200: CallListSchema },
  },
  getCallJournal: {
    method: 'get',
    path: '/sim/users/{userId}/calljournal',
    summary:
      "A user's call journal: their ended calls, newest first, with the filters of the UCI's getCallList (the real PBX offers it over UCI only)",
    access: 'self',
    real: false,
    query: CallJournalQuerySchema,
    responses: { 200: CallJournalPageSchema, 400: ApiErrorSchema, 404: ApiErrorSchema },
  },
  deleteCallJournalEntry: {
    method: 'delete',
    path: '/sim/users/{userId}/calljournal/{entryId}',
    summary: "Delete one entry of a user's call journal",
    access: 'self',
    real: false,
    responses: { 204: null, 404: ApiErrorSchema },
  },
  getEvents: {
    method: 'get',
    path: '/sim/events',
    summary: 'Events after sinceSeq (410 when they left the buffer)',
    access: 'admin',
    real: false,
    query: EventQuerySchema,
    responses: { 200: EventListSchema, 410: ApiErrorSchema },
  },
  postScenario: {
    method: 'post',
    path: '/sim/scenario',
    summary: 'Replace the state with a scenario (built-in name or inline)',
    access: 'admin',
    real: false,
    body: ScenarioApplySchema,
    responses: { 200: z.object({ scenario: z.string(), lastSeq: z.number().int() }), 400: ApiErrorSchema },
  },
  postReplay: {
    method: 'post',
    path: '/sim/replay',
    summary:
      'Play recorded events (starface-sim record) back to UCI subscribers as new events marked data.replayed, spacing scaled by speed',
    access: 'admin',
    real: false,
    body: ReplayRequestSchema,
    responses: { 202: ReplayAcceptedSchema, 400: ApiErrorSchema },
  },
  getStory: {
    method: 'get',
    path: '/sim/story',
    summary: 'The story playing (idle, playing or paused; step i of n and its narration), or the last one played',
    access: 'admin',
    real: false,
    responses: { 200: StoryStatusSchema },
  },
  postStory: {
    method: 'post',
    path: '/sim/story',
    summary:
      "Play a story (a built-in name or a story file's content) through the SIP, UCI and REST listeners; 409 while one plays",
    access: 'admin',
    real: false,
    body: StoryStartSchema,
    responses: { 202: StoryStatusSchema, 400: ApiErrorSchema, 409: ApiErrorSchema },
  },
  putStory: {
    method: 'put',
    path: '/sim/story',
    summary: 'Pause ({"paused": true}) or resume the playing story',
    access: 'admin',
    real: false,
    body: StoryPauseSchema,
    responses: { 200: StoryStatusSchema, 409: ApiErrorSchema },
  },
  deleteStory: {
    method: 'delete',
    path: '/sim/story',
    summary: 'Stop the playing story: its calls end, its phones unregister',
    access: 'admin',
    real: false,
    responses: { 200: StoryStatusSchema, 409: ApiErrorSchema },
  },
  getOpenApi: {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    access: 'user',
    real: false,
    responses: { 200: z.object({ openapi: z.string() }).loose() },
  },
});
