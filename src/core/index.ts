// The public symbols every runtime entry re-exports, beside its own Session and functions.
export { AuthBase, BearerAuth, HTTPBasicAuth, HTTPProxyAuth } from './auth.ts';
export type { AuthFunction, AuthOption } from './auth.ts';
export { HTTPDigestAuth } from './digest.ts';
export type { Adapter, AdapterSendOptions, CallTrace, CookieStore, Runtime, TraceCall } from './adapter.ts';
export type { CacheMode, CacheOptions, CacheStatus } from './cache/hook.ts';
export { MemoryCacheStore } from './cache/memory-store.ts';
export type { MemoryCacheStoreOptions } from './cache/memory-store.ts';
export type { CacheEntry, CacheStore } from './cache/store.ts';
export { WebCacheStore } from './cache/web-store.ts';
export type { WebCache } from './cache/web-store.ts';
export { FetchAdapter } from './fetch-adapter.ts';
export type { FetchAdapterOptions } from './fetch-adapter.ts';
export {
  ConnectionError, ConnectTimeoutError, ContentDecodingError, HTTPError, InvalidHeaderError, InvalidJSONError,
  InvalidSchemaError, InvalidURLError, JSONDecodeError, MissingSchemaError, ProxyError, ReadTimeoutError,
  RequestError, SchemaValidationError, SSLError, TimeoutError, TooManyRedirectsError, UnsupportedError,
} from './errors.ts';
export type { ServerSentEvent } from './event-stream.ts';
export type { EventsOptions, ReconnectInfo } from './events.ts';
export type { HookContext, HooksOption, RequestHook, ResponseHook, RetryHook, RetryInfo } from './hooks.ts';
export type { Link } from './links.ts';
export type { FilesInput, FileValue } from './multipart.ts';
export type {
  CertInput, CredentialsMode, DataInput, HeadersInput, ProgressCallback, ProxiesInput, RequestOptions, SendOptions,
  SessionOptions, TimeoutInput, VerifyInput,
} from './options.ts';
export type { FormValue, ParamsInput } from './encode.ts';
export { PreparedRequest } from './prepared-request.ts';
export { Request } from './request.ts';
export { Response } from './response.ts';
export type { RetryOptions } from './retry.ts';
export type { PaginateOptions } from './session.ts';
export type { JsonResult, StandardSchemaV1 } from './standard-schema.ts';
export type { HopMarks, MarksLookup, TimingPhases, Timings } from './timings.ts';
export { codes } from './status-codes.ts';
export type { StatusCodes } from './status-codes.ts';
export { VERSION } from './api.ts';
