// requests Quickstart › "POST a Multipart-Encoded File": filename, content type, extra headers, strings as files.
import { post } from 'errand';

export default async function (base: string): Promise<unknown> {
  const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0]);

  // files = {'file': ('report.xls', open('report.xls', 'rb'), 'application/vnd.ms-excel', {'Expires': '0'})}
  const r = await post(`${base}/post`, {
    files: { file: ['report.xls', xls, 'application/vnd.ms-excel', { Expires: '0' }] },
  });

  // files = {'file': ('report.csv', 'some,data,to,send\nanother,row,to,send\n')}
  const csv = await post(`${base}/post`, {
    files: { file: ['report.csv', 'some,data,to,send\nanother,row,to,send\n'] },
  });

  return {
    status: r.statusCode,
    xlsFields: Object.keys(r.json<{ files: Record<string, string> }>().files),
    csv: csv.json<{ files: Record<string, string> }>().files,
  };
}
