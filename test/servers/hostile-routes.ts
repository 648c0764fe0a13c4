// The server side of the hostile-server matrix (test/shared/hostile-matrix.ts): the script of every cell
// path `/hostile/<runtime>/<row>/<column>`, for the raw server's `routes` option. The first request to a
// path gets the row's trigger sent properly; every later one, the trigger sent with the column's
// misbehaviour. The global setup starts a raw server with these routes preset (and its control
// endpoint), for the projects that cannot hold the server object; the Node matrix starts its own.
import {
  badChunking, basicChallenge, oneEvent, digestChallenge, endlessBody, endlessHeaders, hugeHeaders, longerBody, proper, selfRedirect,
  shorterBody, unavailable, type AnswerFor, type Behaviour, type Misbehaviour,
} from './behaviours.ts';

/** Each row's trigger: the first answer, then the answer every later request gets (misbehaving). */
const TRIGGERS: Record<string, { first: AnswerFor; then: AnswerFor }> = {
  redirect: { first: selfRedirect(), then: selfRedirect() },
  basic: { first: basicChallenge, then: basicChallenge },
  auth: { first: basicChallenge, then: basicChallenge },
  // A first challenge, then "stale" to every answer, a fresh nonce each time: the server that got 27,199
  // requests for one call before the budget.
  digest: { first: digestChallenge(false), then: digestChallenge(true) },
  status: { first: unavailable(), then: unavailable() },
  // An event stream that sends one event and `retry: 0`, then hangs up: without a reconnect budget,
  // s.events() came back hundreds of times a second.
  events: { first: oneEvent, then: oneEvent },
  'retry-after-s': { first: unavailable(() => '0'), then: unavailable(() => '0') },
  // A date a minute ago: parsed as a date, it asks for no wait.
  'retry-after-date': {
    first: unavailable(() => new Date(Date.now() - 60_000).toUTCString(), 429),
    then: unavailable(() => new Date(Date.now() - 60_000).toUTCString(), 429),
  },
};

/** Each column's misbehaviour. */
const MISBEHAVIOURS: Record<string, Misbehaviour> = {
  forever: proper,
  'huge-headers': hugeHeaders,
  'endless-headers': endlessHeaders,
  'longer-body': longerBody,
  'shorter-body': shorterBody,
  'endless-body': endlessBody,
  'chunk-not-hex': badChunking('size not hex'),
  'chunk-overrun': badChunking('data overruns size'),
  'chunk-absurd': badChunking('absurd size'),
  'chunk-cut': badChunking('cut before last chunk'),
};

/** The script of a matrix cell's path, or undefined for any other path. */
export function hostileRoutes(path: string): Behaviour[] | undefined {
  const match = /^\/hostile\/[\w-]+\/([\w-]+)\/([\w-]+)$/.exec(path);
  const trigger = match && TRIGGERS[match[1]!];
  const misbehave = match && MISBEHAVIOURS[match[2]!];
  if (!trigger || !misbehave) return undefined;
  return [proper(trigger.first), misbehave(trigger.then)];
}
