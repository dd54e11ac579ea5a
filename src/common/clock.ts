import { Injectable } from '@nestjs/common';

/**
 * The one source of the current time. Tests set it instead of sleeping; nothing else in the
 * service calls `new Date()` for "now".
 */
@Injectable()
export class Clock {
  private fixed: Date | null = null;

  now(): Date {
    return this.fixed ? new Date(this.fixed) : new Date();
  }

  /** Freezes the clock at the given instant (tests, simulation). */
  set(instant: Date | string): void {
    this.fixed = new Date(instant);
  }

  /** Moves a frozen clock forward. */
  advance(milliseconds: number): void {
    this.fixed = new Date(this.now().getTime() + milliseconds);
  }

  /** Back to the system clock. */
  reset(): void {
    this.fixed = null;
  }
}
