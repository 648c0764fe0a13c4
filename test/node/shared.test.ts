// The shared behaviour suites (test/shared/) against the local httpbin, in Node (Node's own fetch and globals, src/node.ts).
import * as errand from 'errand';
import { undiciCacheStorage } from './undici-cache-storage.ts';
import { inject } from 'vitest';
import { runSharedSuites } from '../shared/index.ts';

runSharedSuites(errand, { base: inject('httpbinUrl'), alt: inject('httpbinAltUrl'), runtime: 'node', cacheStorage: undiciCacheStorage });
