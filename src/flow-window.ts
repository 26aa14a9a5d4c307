// Credit flow control between two threads joined by a port. The sender counts what it has posted and
// the receiver has not yet acknowledged; past `highWater` the window is over and the sender's side
// stops producing (the workers stop reading their sockets), until acknowledgements bring the count down
// to `lowWater`. The gap between the two keeps the pause from flapping on every ack.
//
// A window counts units, not ops: a listing weighs what it costs in the flood guard (command-cost.ts)
// on its way to the coordinator, and its answer one unit per KiB on the way back, since an answer can
// be thousands of times bigger than the line that asked for it. Both ends weigh an op the same way.
//
// The receiver acknowledges lazily, once it has handled at least `ackEveryUnits` since its last
// acknowledgement, with one small ack op in its own next batch: at most one per batch received, and on
// a busy channel one per few hundred ops. What is left unacknowledged is under ackEveryUnits, which is
// under lowWater, so a paused sender always resumes once the receiver has caught up. Acks (and the
// overload signal) are not counted themselves, so acknowledging never needs acknowledging.
import { historyCost, listMembersCost, listRoomsCost } from './protocol/command-cost.ts';
import type { CoordinatorOp, Listing, PackedRoomEvent, WorkerOp } from './thread-messages.ts';

/** How many handled units a receiver gathers before it acknowledges them (at most lowWater of a window). */
export const ackEveryUnits = 256;

/**
 * Worker → coordinator: a worker that has this many units un-acknowledged stops reading its sockets
 * until it is down to lowWater. At most 8192 ops of at most --max-line-bytes each (32 MiB at the
 * defaults; under 1 MiB of chat-sized lines), or about 750 /history 100 requests: tens of milliseconds
 * of the coordinator's work, so a bystander's line waits about that long behind them. The overshoot past
 * highWater is the rest of the one socket read being framed when the window filled: the lines of it the
 * flood guard admits (at most a burst, 100 units at the defaults; with flood control off, up to a read's
 * 64 KiB of requests).
 */
export const workerToCoordinatorWindow = { highWater: 8192, lowWater: 2048 };

/**
 * Coordinator → one worker: past highWater units un-acknowledged the server is overloaded: every worker
 * stops reading, and the coordinator holds what the workers still send (bounded by their windows above)
 * until that worker is down to lowWater. So the overshoot is what the op being handled makes (a room
 * line for each room of a leaver, or one answer), and the bound 8192 ops, or 8 MiB of answers.
 */
export const coordinatorToWorkerWindow = { highWater: 8192, lowWater: 2048 };

/** What a worker's op weighs: a listing its flood cost, anything else 1. */
export function workerOpWeight(op: WorkerOp): number {
  switch (op.type) {
    case 'list-rooms':
      return listRoomsCost;
    case 'list-members':
      return listMembersCost;
    case 'history':
      return historyCost(op.count);
    default:
      return 1;
  }
}

/** What a coordinator's op weighs: 1, and 1 more per KiB of a listing's answer (or of the history it replays). */
export function coordinatorOpWeight(op: CoordinatorOp): number {
  switch (op.type) {
    case 'answer':
      return 1 + (listingTextLength(op.listing) >> 10);
    case 'history':
      return 1 + (historyTextLength(op.events) >> 10);
    default:
      return 1;
  }
}

/** About how long a listing is as text: each name and its punctuation (and a room's member count). */
function listingTextLength(listing: Listing): number {
  let length = 0;
  if (listing.kind === 'rooms') for (const [name] of listing.rooms) length += name.length + listedRoomOverhead;
  else for (const nick of listing.nicks) length += nick.length + listedNickOverhead;
  return length;
}

/** `, lobby (1234)` and `, alice`: what a listing adds to each name. */
const listedRoomOverhead = 9;
const listedNickOverhead = 2;

/** About how long replayed events are as text: their words and, for each, the time and room around them. */
function historyTextLength(events: readonly PackedRoomEvent[]): number {
  let length = 0;
  for (const [room, , , nick, text] of events) length += historyLineOverhead + room.length + nick.length + text.length;
  return length;
}

/** `-- 2026-12-01 10:42:07Z [] <> \n`: what a replayed line adds to its room, nick and text. */
const historyLineOverhead = 32;

export class FlowWindow {
  readonly #highWater: number;
  readonly #lowWater: number;
  readonly #onChange: (over: boolean) => void;
  #inFlight = 0;
  #peak = 0;
  #over = false;

  constructor(highWater: number, lowWater: number, onChange: (over: boolean) => void) {
    if (!(ackEveryUnits <= lowWater && lowWater < highWater)) throw new RangeError('need ackEveryUnits <= lowWater < highWater');
    this.#highWater = highWater;
    this.#lowWater = lowWater;
    this.#onChange = onChange;
  }

  /** Units posted and not yet acknowledged. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** The most units ever in flight at once: how close the queue came to its bound. */
  get peak(): number {
    return this.#peak;
  }

  get over(): boolean {
    return this.#over;
  }

  // The peak is taken just before each acknowledgement, when the count is at its highest since the
  // last one, so the per-op path in sent() is one addition and one comparison.
  sent(units: number): void {
    this.#inFlight += units;
    if (this.#inFlight <= this.#highWater) return;
    if (this.#inFlight > this.#peak) this.#peak = this.#inFlight;
    if (!this.#over) {
      this.#over = true;
      this.#onChange(true);
    }
  }

  acknowledged(units: number): void {
    if (this.#inFlight > this.#peak) this.#peak = this.#inFlight;
    this.#inFlight -= units;
    if (this.#over && this.#inFlight <= this.#lowWater) {
      this.#over = false;
      this.#onChange(false);
    }
  }
}

/** The receiving end: counts handled units and says when an acknowledgement is due, and of how many. */
export class Acknowledger {
  #handled = 0;

  /** Records `units` handled; returns how many to acknowledge now (0: not yet). */
  handled(units: number): number {
    this.#handled += units;
    if (this.#handled < ackEveryUnits) return 0;
    const due = this.#handled;
    this.#handled = 0;
    return due;
  }
}
