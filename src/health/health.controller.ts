import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access, PUBLIC } from '../auth/access';
import { Database } from '../database/database';

@ApiTags('Betrieb')
@Controller('health')
export class HealthController {
  constructor(private readonly db: Database) {}

  @Get()
  @Access(PUBLIC)
  async health() {
    await this.db.query('SELECT 1 AS ok');
    return { status: 'ok', database: this.db.kind };
  }
}
