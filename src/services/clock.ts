/** The clock is injected everywhere so tests and `tandem tick --at` can pin it. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
