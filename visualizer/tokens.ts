/**
 * The hub's per-start tokens. The page token lets a browser read every job (and, later, act on jobs: answer,
 * pay, cancel); the producer token only lets a process add jobs of its own. They are distinct so that a URL
 * handed to apps, scripts and command lines (`--inspect …`) never grants reading what other jobs hold.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface HubTokens {
  page: string;
  producer: string;
}

/** 192 random bits each, URL-safe; new every time the visualizer starts. */
export function newTokens(): HubTokens {
  return { page: randomBytes(24).toString('base64url'), producer: randomBytes(24).toString('base64url') };
}

/** Compares in constant time (digests of equal length), so response times say nothing about the token. */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 256) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
