// What test/global-setup.ts provides to every project (`inject('httpbinUrl')`...). Its own file, free of
// Node imports, so that the browser tests' type check (test/browser/tsconfig.json) sees it too.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://127.0.0.1:PORT */
    httpbinUrl: string;
    /** the same server as http://localhost:PORT: another origin and host, for cross-origin tests */
    httpbinAltUrl: string;
    /** https://127.0.0.1:PORT, certificate for 127.0.0.1, ::1 and localhost signed by caCertPem */
    httpsUrl: string;
    /** the same HTTPS server as https://localhost:PORT */
    httpsAltUrl: string;
    caCertPem: string;
    /** a client certificate signed by the same CA; GET /client-cert on httpsUrl reports what it saw */
    clientCertPem: string;
    clientKeyPem: string;
    /** file paths of the PEMs above, for `verify` / `cert` given as paths (Node only) */
    certPaths: { caCert: string; clientCert: string; clientKey: string };
    /**
     * http://127.0.0.1:PORT of the raw-socket server with the hostile matrix's routes
     * (test/servers/hostile-routes.ts); GET /__count?path=P says what a path got, POST /__reset?prefix=P forgets.
     */
    hostileUrl: string;
  }
}
