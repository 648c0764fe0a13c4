// requests Authentication › "New Forms of Authentication" (PizzaAuth), and Advanced › "Custom Authentication".
import { AuthBase, get, type PreparedRequest } from 'errand';

/** Attaches HTTP Pizza Authentication to the given request. */
class PizzaAuth extends AuthBase {
  readonly username: string;

  constructor(username: string) {
    super();
    this.username = username;
  }

  override apply(req: PreparedRequest): PreparedRequest {
    req.headers.set('X-Pizza', this.username);
    return req;
  }
}

export default async function (base: string): Promise<unknown> {
  const r = await get(`${base}/headers`, { auth: new PizzaAuth('kenneth') });

  // A plain function works too.
  const fn = await get(`${base}/headers`, {
    auth: (req) => {
      req.headers.set('X-Pizza', 'margherita');
      return req;
    },
  });

  return {
    sent: r.request.headers.get('x-pizza'),
    echoed: r.json<{ headers: Record<string, string> }>().headers,
    fnSent: fn.request.headers.get('x-pizza'),
  };
}
