import { Body, Controller, Get, Post, Req } from '@nestjs/common'
import { IsInt, IsString, Min } from 'class-validator'

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
  @Post('orders')
  create(@Body() order: CreateOrderDto, @Req() request: { rawBody?: unknown }) {
    return { order, rawBody: Buffer.isBuffer(request.rawBody) ? request.rawBody.toString('utf8') : null }
  }

  @Get('health')
  health() {
    return { ok: true }
  }
}
