// The child side of the Bun/Deno harness (the Node side is runner.ts): vitest's own runner
// (@vitest/runner) collects and runs entry.ts here, inside Bun or Deno, and every event goes to the
// runner as one JSON line on stdout, after a marker: the tree once collected, then each test's
// result as it finishes, then every result again at the end (hook failures included).
import { startTests, type File, type Task, type VitestRunner } from '@vitest/runner';
import { childConfig } from './child-state.ts';
import { MARK, type ErrorInfo, type Message, type ResultInfo, type TreeNode } from './protocol.ts';

const emit = (message: Message) => console.log(`${MARK}${JSON.stringify(message)}`);

function tree(task: Task): TreeNode {
  const node: TreeNode = { id: task.id, name: task.name, type: task.type === 'test' ? 'test' : 'suite', mode: task.mode };
  if ('tasks' in task) node.children = task.tasks.map(tree);
  return node;
}

function errors(task: Task): ErrorInfo[] {
  return (task.result?.errors ?? []).map((e) => ({ name: e.name, message: String(e.message), stack: e.stack, diff: e.diff }));
}

function result(task: Task): ResultInfo {
  return { id: task.id, state: task.result?.state ?? task.mode, errors: errors(task) };
}

function allTasks(task: Task): Task[] {
  return 'tasks' in task ? [task, ...task.tasks.flatMap(allTasks)] : [task];
}

const config = childConfig();
const entry = new URL('./entry.ts', import.meta.url).pathname;

const runner: VitestRunner = {
  config: {
    root: new URL('../..', import.meta.url).pathname,
    setupFiles: [],
    name: config.runtime,
    passWithNoTests: false,
    testNamePattern: undefined,
    allowOnly: false,
    sequence: { seed: 0, hooks: 'stack', setupFiles: 'list' },
    chaiConfig: undefined,
    maxConcurrency: 1,
    testTimeout: config.testTimeout,
    hookTimeout: config.testTimeout * 2,
    retry: 0,
    includeTaskLocation: false,
    tags: [],
    tagsFilter: undefined,
    strictTags: false,
  } as VitestRunner['config'],
  importFile: async (path) => { await import(path); },
  onCollected: (files: File[]) => emit({ type: 'collected', tree: files.flatMap((file) => file.tasks.map(tree)), errors: files.flatMap(errors) }),
  onAfterRunTask: (test) => emit({ type: 'result', result: result(test) }),
};

const files = await startTests([entry], runner);
emit({ type: 'done', results: files.flatMap(allTasks).map(result) });
// Keep-alive connections must not keep the child alive once every result is out.
const exit = (globalThis as { Deno?: { exit(code: number): never } }).Deno?.exit ?? process.exit;
exit(0);
