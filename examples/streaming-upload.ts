// requests Advanced › "Streaming Uploads": a file stream as the body, never read whole into memory.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { post } from 'errand';

export default async function (base: string): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), 'errand-example-'));
  const path = join(dir, 'massive-body');
  await writeFile(path, 'line of a massive body\n'.repeat(1000));

  try {
    const r = await post(`${base}/post`, { data: createReadStream(path) });
    const echo = r.json<{ data: string }>();
    return {
      status: r.statusCode,
      bytesEchoed: echo.data.length,
      firstLine: echo.data.split('\n')[0],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
