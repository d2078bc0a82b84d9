/**
 * An answer that may be a promise, given up after `ms`: a slow store or delivery cannot eat the platform's 2 s. A
 * value that is not a promise is returned as it is, with no timer made.
 */
export function withinTimeout<T>(answer: T | Promise<T>, ms: number): T | Promise<T> {
  if (!(answer instanceof Promise)) return answer
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`No answer within ${ms} ms`)), ms)
  })
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer))
}
