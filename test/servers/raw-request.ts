// HTTP/1.1 request framing for the raw-socket test server (test/servers/raw-server.ts): it reads exactly
// what the client wrote, so it parses it itself instead of using node:http.

/** One request as it came off the socket. */
export interface RawRequest {
  requestLine: string;
  method: string;
  target: string;
  /** Header lines in order, names as sent. */
  headerLines: [name: string, value: string][];
  /** The body, de-chunked when it was sent chunked. */
  body: Buffer;
  /** Every byte of the request, head and body as sent. */
  raw: Buffer;
}

/** The values of header `name` (any case), in order. */
export function headerValues(request: Pick<RawRequest, 'headerLines'>, name: string): string[] {
  const lower = name.toLowerCase();
  return request.headerLines.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

/** One complete request at the start of `data` and its length, or undefined while more bytes are needed. */
export function parseRawRequest(data: Buffer): { request: RawRequest; length: number } | undefined {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [requestLine = '', ...lines] = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const headerLines = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
  });
  let offset = headEnd + 4;
  let body: Buffer;
  if (/chunked/i.test(headerValues({ headerLines }, 'transfer-encoding').join(','))) {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = data.indexOf('\r\n', offset);
      if (lineEnd < 0) return undefined;
      const size = parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
      if (data.length < lineEnd + 2 + size + 2) return undefined;
      offset = lineEnd + 2;
      if (size === 0) {
        const trailerEnd = data.indexOf('\r\n', offset);
        if (trailerEnd < 0) return undefined;
        offset = trailerEnd + 2; // no trailers expected: the final CRLF
        break;
      }
      parts.push(data.subarray(offset, offset + size));
      offset += size + 2;
    }
    body = Buffer.concat(parts);
  } else {
    const length = Number(headerValues({ headerLines }, 'content-length')[0] ?? 0);
    if (data.length < offset + length) return undefined;
    body = Buffer.from(data.subarray(offset, offset + length));
    offset += length;
  }
  const [method = '', target = ''] = requestLine.split(' ');
  return { request: { requestLine, method, target, headerLines, body, raw: Buffer.from(data.subarray(0, offset)) }, length: offset };
}
