// trustEnv's .netrc through the runtime's own file API: `$NETRC` names the file (requests' order,
// core/trust-env.ts), credentials apply only when no auth is given and trustEnv is on.
import { describe, expect, it } from 'vitest';
import { scopedEnv, trackedSessions, type TransportSuite } from './env.ts';

export const netrcSuite: TransportSuite = (errand, env) => {
  const { rig } = env;
  const session = trackedSessions(errand, { retries: 0 });
  const setEnv = scopedEnv(env);
  const protectedUrl = `${rig.httpbin}/basic-auth/netrc-user/netrc-pass`;

  describe('transport: .netrc (trustEnv)', () => {
    it('$NETRC supplies Basic credentials for its machine when no auth is given', async () => {
      setEnv('NETRC', rig.netrcPath);
      const r = await session().get(protectedUrl);
      expect([r.statusCode, r.json()]).toEqual([200, { authenticated: true, user: 'netrc-user' }]);
    });

    it('explicit auth wins over the .netrc', async () => {
      setEnv('NETRC', rig.netrcPath);
      expect((await session().get(`${rig.httpbin}/basic-auth/other/pw`, { auth: ['other', 'pw'] })).statusCode).toBe(200);
    });

    it('trustEnv: false, or a $NETRC that names no file, gives no credentials and no error', async () => {
      setEnv('NETRC', rig.netrcPath);
      expect((await session({ trustEnv: false }).get(protectedUrl)).statusCode).toBe(401);
      setEnv('NETRC', '/nonexistent/errand-netrc');
      expect((await session().get(protectedUrl)).statusCode).toBe(401);
    });
  });
};
