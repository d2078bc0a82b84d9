import { Injectable } from '@nestjs/common'

/** What the application's handlers saw, for the tests to read with app.get(Recorder). */
@Injectable()
export class Recorder {
  readonly lines: string[] = []
  readonly errors: string[] = []
}
