// The HTTP clients under test. Each child process imports only the one it measures.
// Every client gets the same four operations and checks what it got back, so none can skip work:
//   get(url)             GET, read and parse the JSON body
//   post(url, bytes)     POST 1 KiB, read the JSON answer and check the size the server counted
//   download(url)        GET a large body as a stream, count the bytes
//   upload(url, source)  PUT an async iterable of chunks (never one buffer), return the size the server counted
// Node's http-based clients (axios, got, node-fetch) share one keep-alive http.Agent, as Node's
// global agent is since Node 19; the fetch-based ones use fetch's own keep-alive pool.

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Names of the clients in the request/s scenarios, in table order. */
export const RPS_CLIENTS = [
  'undici.request', 'fetch', 'errand default', 'errand FetchAdapter', 'errand UndiciAdapter',
  'ky', 'ofetch', 'axios', 'got', 'node-fetch',
];
/** Names of the clients in the 1 GiB transfers. */
export const TRANSFER_CLIENTS = ['undici.request', 'fetch', 'fetch redirect:error', 'errand default', 'errand UndiciAdapter'];

function expectSize(got, want) {
  if (got !== want) throw new Error(`server counted ${got} bytes, sent ${want}`);
}

function expectSmall(value) {
  if (!value || value.id !== 42) throw new Error(`unexpected /small body: ${JSON.stringify(value).slice(0, 80)}`);
}

async function keepAliveAgent() {
  const { Agent } = await import('node:http');
  return new Agent({ keepAlive: true });
}

async function errandClient(mountName, module) {
  const errand = module ?? await import('errand');
  const session = new errand.Session();
  if (mountName) {
    const Adapter = errand[mountName];
    if (typeof Adapter !== 'function') throw new Error(`errand does not export ${mountName}`);
    session.mount('http://', new Adapter());
  }
  return {
    adapter: session.getAdapter('http://127.0.0.1/').constructor.name.replace(/\$\d+$/, ''),
    async get(url) {
      const r = await session.get(url);
      if (r.statusCode !== 200) throw new Error(`status ${r.statusCode}`);
      expectSmall(r.json());
    },
    async post(url, bytes) {
      const r = await session.post(url, { data: bytes });
      expectSize(/** @type {{ size: number }} */ (r.json()).size, bytes.byteLength);
    },
    async download(url) {
      const r = await session.get(url, { stream: true });
      let n = 0;
      for await (const chunk of r.iterContent()) n += chunk.byteLength;
      return n;
    },
    async upload(url, source) {
      const r = await session.put(url, { data: source });
      if (r.statusCode !== 200) throw new Error(`status ${r.statusCode}`);
      return /** @type {{ size: number }} */ (r.json()).size;
    },
    close: () => session.close?.(),
  };
}

function fetchClient(redirect) {
  const init = redirect ? { redirect } : {};
  return {
    async get(url) {
      const r = await fetch(url, init);
      expectSmall(await r.json());
    },
    async post(url, bytes) {
      const r = await fetch(url, { ...init, method: 'POST', body: bytes });
      expectSize((await r.json()).size, bytes.byteLength);
    },
    async download(url) {
      const r = await fetch(url, init);
      let n = 0;
      if (!r.body) throw new Error('no body');
      for await (const chunk of r.body) n += chunk.byteLength;
      return n;
    },
    async upload(url, source) {
      // `duplex` is not in the DOM lib's RequestInit yet; Node's fetch needs it for a streamed body.
      /** @type {RequestInit & { duplex: 'half' }} */
      const put = { ...init, method: 'PUT', body: source, duplex: 'half' };
      const r = await fetch(url, put);
      return (await r.json()).size;
    },
  };
}

/** Creates the client named `name` (see RPS_CLIENTS and TRANSFER_CLIENTS). */
export async function makeClient(name) {
  switch (name) {
    case 'undici.request': {
      const { request, Agent } = await import('undici');
      const dispatcher = new Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });
      return {
        async get(url) {
          const { statusCode, body } = await request(url, { dispatcher });
          if (statusCode !== 200) throw new Error(`status ${statusCode}`);
          expectSmall(await body.json());
        },
        async post(url, bytes) {
          const { body } = await request(url, { method: 'POST', body: bytes, dispatcher });
          expectSize(/** @type {{ size: number }} */ (await body.json()).size, bytes.byteLength);
        },
        async download(url) {
          const { body } = await request(url, { dispatcher });
          let n = 0;
          for await (const chunk of body) n += chunk.byteLength;
          return n;
        },
        async upload(url, source) {
          const { body } = await request(url, { method: 'PUT', body: source, dispatcher });
          return /** @type {{ size: number }} */ (await body.json()).size;
        },
        close: () => dispatcher.close(),
      };
    }
    case 'fetch': return fetchClient(undefined);
    case 'fetch redirect:error': return fetchClient('error');
    case 'errand default': return errandClient(undefined);
    // `run.mjs --baseline DIR`: another build of errand (DIR/dist/node.js), to measure what a change costs.
    case 'errand baseline': return errandClient(undefined, await import(pathToFileURL(resolve(process.env.ERRAND_BASELINE ?? '.', 'dist/node.js')).href));
    case 'errand FetchAdapter': return errandClient('FetchAdapter');
    case 'errand UndiciAdapter': return errandClient('UndiciAdapter');
    case 'ky': {
      const { default: ky } = await import('ky');
      return {
        async get(url) { expectSmall(await ky.get(url).json()); },
        async post(url, bytes) { expectSize((await ky.post(url, { body: bytes }).json()).size, bytes.byteLength); },
      };
    }
    case 'ofetch': {
      const { ofetch } = await import('ofetch');
      return {
        async get(url) { expectSmall(await ofetch(url)); },
        async post(url, bytes) { expectSize((await ofetch(url, { method: 'POST', body: bytes })).size, bytes.byteLength); },
      };
    }
    case 'axios': {
      const { default: axios } = await import('axios');
      const client = axios.create({ httpAgent: await keepAliveAgent() });
      return {
        async get(url) { expectSmall((await client.get(url)).data); },
        async post(url, bytes) { expectSize((await client.post(url, bytes)).data.size, bytes.byteLength); },
      };
    }
    case 'got': {
      const { default: got } = await import('got');
      const client = got.extend({ agent: { http: await keepAliveAgent() } });
      return {
        async get(url) { expectSmall(await client(url).json()); },
        async post(url, bytes) { expectSize((await client.post(url, { body: bytes }).json()).size, bytes.byteLength); },
      };
    }
    case 'node-fetch': {
      const { default: nodeFetch } = await import('node-fetch');
      const agent = await keepAliveAgent();
      return {
        async get(url) { expectSmall(await (await nodeFetch(url, { agent })).json()); },
        async post(url, bytes) {
          const r = await nodeFetch(url, { method: 'POST', body: bytes, agent });
          expectSize(/** @type {{ size: number }} */ (await r.json()).size, bytes.byteLength);
        },
      };
    }
    default: throw new Error(`unknown client ${name}`);
  }
}
