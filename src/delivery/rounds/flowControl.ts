/**
 * The send window: a connection may have at most `frames` frames and `bytes`
 * bytes sent but unacknowledged. Frames beyond it wait in the log (they are
 * derived, so waiting costs nothing) and go out as acks open the window. The
 * first frame past the acknowledged point always fits, so a frame larger
 * than the byte window cannot stall a connection.
 *
 * What is in flight is never stored: it follows from the acknowledged point,
 * the log and the window, because frames are sent as soon as they fit. A
 * room that restarts or wakes from hibernation derives it again with
 * {@link inFlightFrom} and gets what it had sent.
 */
import type { SendWindow } from "../../protocol/frames";

/** Whether one more frame of `frameBytes` fits after what is in flight. */
export function fitsWindow(window: SendWindow, inFlight: InFlight, frameBytes: number): boolean {
  if (inFlight.sizes.length === 0) return true;
  return inFlight.sizes.length < window.frames && inFlight.bytes + frameBytes <= window.bytes;
}

/** The frames sent but unacknowledged on one connection: seq `acked + 1` up to `sentThrough`. */
export class InFlight {
  /** Byte sizes of frames `acked + 1 … sentThrough`, oldest first. */
  readonly sizes: number[] = [];
  bytes = 0;

  constructor(public acked: number) {}

  get sentThrough(): number {
    return this.acked + this.sizes.length;
  }

  add(frameBytes: number): void {
    this.sizes.push(frameBytes);
    this.bytes += frameBytes;
  }

  /** The client acknowledged everything up to `seq`; a lower ack changes nothing. */
  acknowledge(seq: number): void {
    while (this.acked < seq && this.sizes.length > 0) {
      this.bytes -= this.sizes.shift()!;
      this.acked++;
    }
    if (this.acked < seq) this.acked = seq;
  }
}

/**
 * What a connection has in flight, derived: the frames after `acked` (their
 * sizes, oldest first, as many as exist) that fit the window one after another.
 *
 * @example
 * inFlightFrom(4, [10, 10, 10], { frames: 2, bytes: 100 }).sentThrough // 6
 */
export function inFlightFrom(acked: number, frameSizes: Iterable<number>, window: SendWindow): InFlight {
  const inFlight = new InFlight(acked);
  for (const size of frameSizes) {
    if (!fitsWindow(window, inFlight, size)) break;
    inFlight.add(size);
  }
  return inFlight;
}
