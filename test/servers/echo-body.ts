/**
 * What the local httpbin's echo endpoints (/get, /post, /anything...) answer. In a file of its own, free of
 * Node imports, so that the shared suites can name it where they also run in the browser.
 */
export interface EchoBody {
  args: Record<string, string | string[]>;
  data: string;
  files: Record<string, string | string[]>;
  form: Record<string, string | string[]>;
  headers: Record<string, string>;
  json: unknown;
  method: string;
  origin: string;
  url: string;
}
