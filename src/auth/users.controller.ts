import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from './actor';
import { jsonSchema } from '../common/openapi';
import type { Actor } from '../event-log/event-hash';
import { Access, ADMIN } from './access';
import { AuthService, tokenInputSchema, userInputSchema } from './auth.service';
import { WithoutIdempotencyKey } from '../common/idempotency-key';

/** Users and API tokens: the admin's work, and nothing else is. */
@ApiTags('Benutzer und Tokens')
@Controller('api')
export class UsersController {
  constructor(private readonly auth: AuthService) {}

  @Get('users')
  @Access(ADMIN)
  @ApiOperation({ summary: 'Benutzer mit Rolle (ohne Passwörter)' })
  list() {
    return this.auth.listUsers();
  }

  @Post('users')
  @Access(ADMIN)
  @HttpCode(201)
  @ApiOperation({ summary: 'Benutzer anlegen (Rolle; für lead die contactId der Ansprechperson; optional ein Passwort für die Weboberfläche)' })
  @ApiBody({ schema: jsonSchema(userInputSchema) })
  create(@Body() body: unknown, @CurrentActor() actor: Actor) {
    return this.auth.createUser(body, actor.id);
  }

  @Put('users/:username/password')
  @Access(ADMIN)
  @HttpCode(200)
  @ApiOperation({ summary: 'Passwort eines Benutzers setzen' })
  async setPassword(@Param('username') username: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    await this.auth.setPassword(username, body, actor.id);
    return { username, passwordSet: true };
  }

  @Post('users/:username/disable')
  @Access(ADMIN)
  @HttpCode(200)
  @ApiOperation({ summary: 'Benutzer sperren: widerruft seine Tokens und beendet seine Sitzungen' })
  disable(@Param('username') username: string, @CurrentActor() actor: Actor) {
    return this.auth.disableUser(username, actor.id);
  }

  @Get('users/:username/tokens')
  @Access(ADMIN)
  @ApiOperation({ summary: 'Die Tokens eines Benutzers (ohne ihren Wert)' })
  tokens(@Param('username') username: string) {
    return this.auth.tokensOf(username);
  }

  @Post('users/:username/tokens')
  @WithoutIdempotencyKey()
  @Access(ADMIN)
  @HttpCode(201)
  @ApiOperation({ summary: 'API-Token erzeugen: der Wert wird nur dieses eine Mal gezeigt' })
  @ApiBody({ schema: jsonSchema(tokenInputSchema) })
  createToken(@Param('username') username: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    return this.auth.createToken(username, body, actor.id);
  }

  @Delete('tokens/:id')
  @Access(ADMIN)
  @HttpCode(200)
  @ApiOperation({ summary: 'Token widerrufen' })
  revoke(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return this.auth.revokeToken(id, actor.id);
  }
}
