import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, TODOS_READ } from '../auth/access';
import { BodiesService } from './bodies.service';

@ApiTags('Gremien')
@Controller('api/todos')
export class TodosController {
  constructor(private readonly bodies: BodiesService) {}

  @Get()
  @Access(TODOS_READ)
  @ApiOperation({
    summary:
      'Offene Anliegen an die Geschäftsstelle (Zu erledigen): unbeantwortete Verlängerungsanträge, eingereichte Berichte vor der Kenntnisnahme; älteste zuerst',
  })
  list() {
    return this.bodies.openRequests();
  }
}
