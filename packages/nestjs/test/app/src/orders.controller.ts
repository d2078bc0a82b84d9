import { Body, Controller, Get, Post, Req } from '@nestjs/common'
import type { EventFor } from '@roomhooks/core'
import { OnRoomEvent } from '@roomhooks/nestjs'
import { IsInt, IsString, Min } from 'class-validator'
import { Recorder } from './recorder.js'

export class CreateOrderDto {
  @IsString()
  item!: string

  @IsInt()
  @Min(1)
  quantity!: number
}

/** The application's own routes, which must keep their body parser, pipes and shapes of answer. */
@Controller()
export class OrdersController {
  constructor(private readonly recorder: Recorder) {}

  @Post('orders')
  create(@Body() order: CreateOrderDto, @Req() request: { rawBody?: unknown }) {
    return { order, rawBody: Buffer.isBuffer(request.rawBody) ? request.rawBody.toString('utf8') : null }
  }

  @Get('health')
  health() {
    return { ok: true }
  }

  /** A handler on a controller, which the module finds too. */
  @OnRoomEvent('follow.added')
  followed(event: EventFor<'follow.added'>): void {
    this.recorder.lines.push(`${event.payload.From_Account} followed ${event.payload.FollowList.length}`)
  }
}
