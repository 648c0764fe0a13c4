// vitest globalSetup: one HTTP and one HTTPS httpbin for every test project (node, edge, browser, workerd),
// and the raw-socket server with the hostile matrix's routes preset, for the projects that cannot start it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { makeCerts } from './servers/certs.ts';
import { hostileRoutes } from './servers/hostile-routes.ts';
import { startHttpbin } from './servers/httpbin.ts';
import { startRawServer } from './servers/raw-server.ts';

export default async function setup({ provide }: Pick<TestProject, 'provide'>): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'errand-certs-'));
  const certs = makeCerts(dir);
  const http = await startHttpbin();
  const https = await startHttpbin({
    tls: { key: certs.serverKey, cert: certs.serverCert, ca: certs.caCert, requestCert: true },
  });

  const hostile = await startRawServer({ routes: hostileRoutes, control: true });

  provide('httpbinUrl', http.url);
  provide('httpbinAltUrl', `http://localhost:${http.port}`);
  provide('httpsUrl', https.url);
  provide('httpsAltUrl', `https://localhost:${https.port}`);
  provide('caCertPem', certs.caCert);
  provide('clientCertPem', certs.clientCert);
  provide('clientKeyPem', certs.clientKey);
  provide('hostileUrl', hostile.url);
  provide('certPaths', { caCert: certs.paths.caCert, clientCert: certs.paths.clientCert, clientKey: certs.paths.clientKey });

  return async () => {
    await Promise.all([http.close(), https.close(), hostile.close()]);
    rmSync(dir, { recursive: true, force: true });
  };
}
