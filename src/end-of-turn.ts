// The one end-of-turn mechanism of a thread. Work that must wait until every socket read and every batch
// of this event-loop turn has been handled — handing out the open run of room lines, writing each
// client's output once, posting each destination's batch once — is registered here, and all of it runs
// from a single setImmediate (which runs after the turn's I/O callbacks), however much was registered.
//
// Phases run in this order, because each feeds the next: room lines handed out queue output, and output
// written is what a turn's posts (acknowledgements, acceptor notes) come after.
//   'room-lines' → 'outputs' → 'posts'
// A task registered while its phase or a later one is still to run this pass runs in this pass; one
// registered for a phase already done waits for the next turn (never reached today, but order is kept).
// A task that throws is a bug and crashes the thread, as any uncaught exception does.

export type EndOfTurnPhase = 'room-lines' | 'outputs' | 'posts';

const phaseIndex: Readonly<Record<EndOfTurnPhase, number>> = { 'room-lines': 0, outputs: 1, posts: 2 };

export type EndOfTurnTask = () => void;

export class EndOfTurn {
  readonly #schedule: (run: () => void) => unknown;
  /** One queue per phase, reused from turn to turn: a registration is an array push. */
  readonly #queues: EndOfTurnTask[][] = [[], [], []];
  #scheduled = false;

  /** `schedule` runs its callback once after the current turn; tests may count its calls. */
  constructor(schedule: (run: () => void) => unknown = setImmediate) {
    this.#schedule = schedule;
  }

  /** Runs `task` at the end of this turn, in `phase`'s place; a task added twice runs twice. */
  add(phase: EndOfTurnPhase, task: EndOfTurnTask): void {
    this.#queues[phaseIndex[phase]]!.push(task);
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#schedule(this.#run);
  }

  readonly #run = (): void => {
    for (const queue of this.#queues) {
      // By index: tasks added to this phase while it runs are run too.
      for (let i = 0; i < queue.length; i++) queue[i]!();
      queue.length = 0;
    }
    this.#scheduled = false;
    if (this.#queues.some((queue) => queue.length > 0)) {
      this.#scheduled = true;
      this.#schedule(this.#run);
    }
  };
}

/** This thread's: every thread loads its own copy of this module, so each has exactly one. */
export const endOfTurn = new EndOfTurn();
