// The shared behaviour suites (test/shared/) against the local httpbin, in the edge-runtime VM (its fetch and globals, src/edge.ts).
import * as errand from 'errand';
import { undiciCacheStorage } from '../node/undici-cache-storage.ts';
import { inject } from 'vitest';
import { runSharedSuites } from '../shared/index.ts';

runSharedSuites(errand, { base: inject('httpbinUrl'), alt: inject('httpbinAltUrl'), runtime: 'edge', cacheStorage: undiciCacheStorage });
