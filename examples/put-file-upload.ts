// requests Quickstart › "POST a Multipart-Encoded File", as a PUT with a filename and a content type.
import { put } from 'errand';

export default async function (base: string): Promise<unknown> {
  const csv = new Blob(['id,name\n1,errand\n'], { type: 'text/csv' });
  const bytes = new TextEncoder().encode('raw bytes, named by the tuple');

  const r = await put(`${base}/put`, {
    files: {
      report: ['report.csv', csv, 'text/csv'],
      blob: ['data.bin', bytes, 'application/octet-stream'],
    },
    data: { description: 'monthly report' },
  });

  const body = r.json<{ files: Record<string, string>; form: Record<string, string> }>();
  return {
    status: r.statusCode,
    contentType: r.request.headers.get('content-type')?.split(';')[0],
    files: body.files,
    form: body.form,
  };
}
