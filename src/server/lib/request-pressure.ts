/**
 * How hard people are pressing on this server: the API requests that began in the last whole second (app.ts). Work that may wait a
 * little (the risk assessments, modules/related/assess-risk.ts) gives way while a burst streams in — a morning queue,
 * a 12345 transfer storm — instead of taking the processor from the answers people are waiting for.
 */
export class RequestPressure {
  private second = 0;
  private current = 0;
  private previous = 0;

  constructor(
    /** Requests per second from which the server counts as busy. */
    readonly busyAt: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** One request began (an `onRequest` hook of the app). */
  note(): void {
    this.roll();
    this.current++;
  }

  /** Requests that began in the last whole second (or in this one, when it already has more). */
  rate(): number {
    this.roll();
    return Math.max(this.previous, this.current);
  }

  isBusy(): boolean {
    return this.rate() >= this.busyAt;
  }

  private roll() {
    const second = Math.floor(this.clock() / 1000);
    if (second === this.second) return;
    this.previous = second === this.second + 1 ? this.current : 0;
    this.current = 0;
    this.second = second;
  }
}

/** This process's request pressure (counted by app.ts). 50 requests a second is a burst for one district's centre. */
export const requestPressure = new RequestPressure(50);
