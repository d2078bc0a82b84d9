/** Where the app writes what it received: the console, or what the demo and tests give. */
export type Print = (line: string) => void

/** The injection token of {@link Print}. */
export const PRINT = Symbol('PRINT')
