// What a Bun or Deno child (child.ts) tells the Node runner (runner.ts): JSON lines after a marker.

/** Marks the harness's lines among whatever else the suites and the runtime print. */
export const MARK = '\u241eerrand-harness ';

export interface TreeNode { id: string; name: string; type: 'suite' | 'test'; mode: string; children?: TreeNode[] }
export interface ErrorInfo { name?: string | undefined; message: string; stack?: string | undefined; diff?: string | undefined }
export interface ResultInfo { id: string; state: string; errors: ErrorInfo[] }
export type Message =
  | { type: 'collected'; tree: TreeNode[]; errors: ErrorInfo[] }
  | { type: 'result'; result: ResultInfo }
  | { type: 'done'; results: ResultInfo[] };
