/** The clock, passed in wherever time matters, so tests and replays can fix it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
