import type { Browser } from 'playwright-core';

export const root: string;
export const chromiumPath: string;
export const CHROMIUM_ARGS: string[];
export function startHarness(): Promise<{ url: string; close(): Promise<void> }>;
export function launchChromium(): Promise<Browser>;
export const FEED_SOURCE: string;
