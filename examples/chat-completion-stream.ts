// A chat-completion stream, as OpenAI-style APIs send one: POST a JSON body with a Bearer token and read
// `data:` events until `[DONE]`. A small fake API on loopback stands in for the real one.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BearerAuth, Session } from 'errand';

/** A fake chat API: checks the token, then streams the reply word by word as Server-Sent Events. */
async function startFakeChatApi(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    if (req.headers.authorization !== 'Bearer sk-local-test') {
      res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"invalid api key"}');
      return;
    }
    let body = '';
    for await (const chunk of req) body += chunk;
    const { model } = JSON.parse(body) as { model: string };
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
    res.write(': the stream starts\n\n'); // a comment, as some APIs send to keep proxies awake
    const words = 'Hello! How can I help you today?'.split(' ');
    words.forEach((word, i) => {
      const delta = i === 0 ? { role: 'assistant', content: word } : { content: ` ${word}` };
      res.write(`data: ${JSON.stringify({ model, choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`);
    });
    res.write(`data: ${JSON.stringify({ model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
    res.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface ChatChunk { model: string; choices: { delta: { role?: string; content?: string }; finish_reason: string | null }[] }

export default async function (): Promise<unknown> {
  const api = await startFakeChatApi();
  try {
    const s = new Session({ baseUrl: api.url, auth: new BearerAuth('sk-local-test') });
    let text = '';
    let chunks = 0;
    let finishReason: string | null = null;
    // One connection (maxReconnects: 0): a completion must not be asked for twice.
    for await (const event of s.events('v1/chat/completions', {
      method: 'POST',
      json: { model: 'fake-1', stream: true, messages: [{ role: 'user', content: 'Say hello' }] },
      maxReconnects: 0,
    })) {
      if (event.data === '[DONE]') break; // breaking out closes the connection
      const chunk = JSON.parse(event.data) as ChatChunk;
      text += chunk.choices[0]?.delta.content ?? '';
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
      chunks++;
    }

    // A wrong key: the 401 stops the stream with an HTTPError, no reconnect.
    let refused = 0;
    const wrong = new Session({ auth: new BearerAuth('wrong') });
    try {
      for await (const _ of wrong.events(`${api.url}v1/chat/completions`, { method: 'POST', json: {} })) break;
    } catch (error) {
      refused = (error as { response?: { statusCode: number } }).response?.statusCode ?? -1;
    } finally {
      await wrong.close();
    }
    await s.close();
    return { text, chunks, finishReason, refused };
  } finally {
    await api.close();
  }
}
