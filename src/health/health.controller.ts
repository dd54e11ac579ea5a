import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiAnswer } from '../common/openapi';
import { Access, PUBLIC } from '../auth/access';
import { Database } from '../database/database';

@ApiTags('Betrieb')
@Controller('health')
export class HealthController {
  constructor(private readonly db: Database) {}

  @Get()
  @Access(PUBLIC)
  @ApiOperation({ summary: 'Betriebsbereit: die Datenbank antwortet' })
  @ApiAnswer(z.object({ status: z.literal('ok'), database: z.enum(['sqlite', 'postgres']) }))
  async health() {
    await this.db.query('SELECT 1 AS ok');
    return { status: 'ok', database: this.db.kind };
  }
}
