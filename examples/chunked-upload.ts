// requests Advanced › "Chunk-Encoded Requests": a generator as the body.
import { post } from 'errand';

async function* gen() {
  yield 'hi';
  yield 'there';
}

export default async function (base: string): Promise<unknown> {
  const r = await post(`${base}/post`, { data: gen() });
  const echo = r.json<{ data: string; headers: Record<string, string | undefined> }>();

  return {
    status: r.statusCode,
    data: echo.data,
    transferEncoding: echo.headers['Transfer-Encoding'] ?? echo.headers['transfer-encoding'],
  };
}
