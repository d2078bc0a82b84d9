import { Controller, Get } from '@nestjs/common'

/** The rest of your app: its routes keep Nest's body parser, pipes and guards. */
@Controller('health')
export class HealthController {
  @Get()
  check(): string {
    return 'ok'
  }
}
