import { applyDecorators, Controller, Get, Header, Inject, Param, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../../config/configuration';
import { Access, PUBLIC } from '../auth/access';
import { APP_CONFIG } from '../common/common.module';
import { parseListQuery } from './oparl-list';
import { OParlService } from './oparl.service';

/** A public OParl route: no token, readable from any origin (spec 2.6, CORS). */
const OParlGet = (path: string, summary: string) =>
  applyDecorators(Get(path), Access(PUBLIC), Header('Access-Control-Allow-Origin', '*'), ApiOperation({ summary }));

const LIST = 'Filter created_since, created_until, modified_since, modified_until (date-time), page, limit (höchstens 100)';

/**
 * OParl 1.1 (https://oparl.org) under /oparl/v1: thin routes over OParlService. The object
 * ids are absolute URLs on PUBLIC_BASE_URL, or else on the origin of the request.
 */
@ApiTags('OParl')
@Controller('oparl/v1')
export class OParlController {
  constructor(
    private readonly oparl: OParlService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @OParlGet('', 'OParl-System (Einstieg)')
  system(@Req() request: FastifyRequest) {
    return this.oparl.system(this.origin(request));
  }

  @OParlGet('body', `OParl-Körperschaften: IT-Planungsrat und AL-Runde (${LIST})`)
  bodies(@Req() request: FastifyRequest, @Query() query: unknown) {
    return this.oparl.bodies(this.origin(request), parseListQuery(query));
  }

  @OParlGet('body/:id', 'Eine OParl-Körperschaft')
  body(@Req() request: FastifyRequest, @Param('id') id: string) {
    return this.oparl.body(this.origin(request), id);
  }

  @OParlGet('body/:id/organization', `Gruppierungen der Körperschaft: sie selbst und jedes Gremium unter ihr (${LIST})`)
  organizations(@Req() request: FastifyRequest, @Param('id') id: string, @Query() query: unknown) {
    return this.oparl.organizations(this.origin(request), id, parseListQuery(query));
  }

  @OParlGet('body/:id/person', `Personen der Körperschaft: immer leer, die Schnittstelle gibt keine Personen aus (${LIST})`)
  persons(@Req() request: FastifyRequest, @Param('id') id: string, @Query() query: unknown) {
    return this.oparl.persons(this.origin(request), id, parseListQuery(query));
  }

  @OParlGet('body/:id/meeting', `Sitzungen und Umlaufverfahren der Körperschaft (${LIST})`)
  meetings(@Req() request: FastifyRequest, @Param('id') id: string, @Query() query: unknown) {
    return this.oparl.meetings(this.origin(request), id, parseListQuery(query));
  }

  @OParlGet('body/:id/paper', `Beschlüsse der Körperschaft als Drucksachen (${LIST})`)
  papers(@Req() request: FastifyRequest, @Param('id') id: string, @Query() query: unknown) {
    return this.oparl.papers(this.origin(request), id, parseListQuery(query));
  }

  @OParlGet('organization/:id', 'Eine OParl-Gruppierung (Gremium)')
  organization(@Req() request: FastifyRequest, @Param('id') id: string) {
    return this.oparl.organization(this.origin(request), id);
  }

  @OParlGet('organization/:id/paper', `Beschlüsse, die das Gremium betreffen (gremienlauf:paper; ${LIST})`)
  papersConcerning(@Req() request: FastifyRequest, @Param('id') id: string, @Query() query: unknown) {
    return this.oparl.papersConcerning(this.origin(request), id, parseListQuery(query));
  }

  @OParlGet('meeting/session/:issuer/:number', 'Eine Sitzung des Sitzungskalenders')
  session(@Req() request: FastifyRequest, @Param('issuer') issuer: string, @Param('number') number: string) {
    return this.oparl.session(this.origin(request), issuer, number);
  }

  @OParlGet('meeting/umlaufverfahren/:id', 'Ein Umlaufverfahren (je Beschluss)')
  umlaufverfahren(@Req() request: FastifyRequest, @Param('id') id: string) {
    return this.oparl.umlaufverfahren(this.origin(request), id);
  }

  @OParlGet('paper/:id', 'Ein Beschluss als OParl-Drucksache')
  paper(@Req() request: FastifyRequest, @Param('id') id: string) {
    return this.oparl.paper(this.origin(request), id);
  }

  @OParlGet('consultation/:id', 'Die Beschlussfassung über eine Drucksache')
  consultation(@Req() request: FastifyRequest, @Param('id') id: string) {
    return this.oparl.consultation(this.origin(request), id);
  }

  private origin(request: FastifyRequest): string {
    return this.config.publicBaseUrl ?? `${request.protocol}://${request.host}`;
  }
}
