// What each bench/micro/*.bench.ts exports: an async factory for one concern's tasks. run-all.ts times
// them with tinybench. Real threads and sockets are started by the factory, once, and stopped by close().
//
// A task does `unitsPerOp` units of work per call (lines framed, messages delivered), so results are
// reported in the unit people reason about rather than in calls. A task that names a `baseline` (another
// task of the same suite) gets the ratio of their unit rates printed beside it: the headline of a
// comparison is always measured in the same run.
export interface MicroTask {
  name: string;
  unit: string;
  unitsPerOp: number;
  fn: () => unknown;
  baseline?: string;
}

export interface MicroSuite {
  concern: string;
  tasks: MicroTask[];
  close?(): Promise<void>;
}

export type SuiteFactory = () => Promise<MicroSuite>;
