import { describe, expect, it } from 'vitest';
import { RequestError, TooManyRedirectsError } from 'errand';
import { AUTH_REPLAYS_PER_HOP, CallBudget } from '../../src/core/budget.ts';
import { normalizeRetries } from '../../src/core/retry.ts';
import { Response } from '../../src/core/response.ts';
import { preparedFor } from './_helpers.ts';

const request = preparedFor('https://x.test/?token=secret');
const redirect = new Response(new globalThis.Response(null, { status: 302, headers: { location: '/' } }), request, { elapsed: 0 });

describe('CallBudget', () => {
  it('answers two auth challenges per hop, and two more after each redirect', () => {
    const budget = new CallBudget(normalizeRetries(undefined), 5);
    expect([budget.authReplay(), budget.authReplay(), budget.authReplay()]).toEqual([true, true, false]);
    budget.redirect(redirect);
    expect([budget.authReplay(), budget.authReplay(), budget.authReplay()]).toEqual([true, true, false]);
    expect(AUTH_REPLAYS_PER_HOP).toBe(2);
  });

  it('follows maxRedirects redirects, then throws TooManyRedirectsError carrying the last response', () => {
    const budget = new CallBudget(normalizeRetries(undefined), 2);
    budget.redirect(redirect);
    budget.redirect(redirect);
    let error: unknown;
    try { budget.redirect(redirect); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(TooManyRedirectsError);
    expect((error as TooManyRedirectsError).response).toBe(redirect);
    expect(budget.redirects).toBe(2);
  });

  it('counts retries by kind and in total', () => {
    const budget = new CallBudget(normalizeRetries(5), 0);
    budget.retried('connect');
    budget.retried('status');
    budget.retried('status');
    expect(budget.retries).toEqual({ total: 3, connect: 1, read: 0, status: 2 });
  });

  it('refuses to send past the ceiling the limits allow: (maxRedirects + 1) × (1 + 2 auth replays + extra) + retries', () => {
    const budget = new CallBudget(normalizeRetries(2), 1, 1);
    const ceiling = (1 + 1) * (1 + 2 + 1) + 2;
    for (let i = 0; i < ceiling; i++) budget.send(request);
    let error: unknown;
    try { budget.send(request); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(RequestError);
    expect((error as Error).message).toMatch(new RegExp(`at most ${ceiling} requests`));
    // The message names the request without its query values.
    expect((error as Error).message).not.toMatch(/secret/);
    expect((error as RequestError).request).toBe(request);
  });
});
