// Time comes from one injectable clock so that tests and the simulator can control it.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
