/** Where the CLI writes. */
export interface Output {
  out(line: string): void
  err(line: string): void
}
