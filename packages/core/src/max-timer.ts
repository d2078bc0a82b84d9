/** The longest delay `setTimeout()` takes, in ms; it fires at once for anything longer. */
export const MAX_TIMER = 2 ** 31 - 1
