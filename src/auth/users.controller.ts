import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from './actor';
import { z } from 'zod';
import { ApiAnswer, jsonSchema } from '../common/openapi';
import { issuedTokenSchema, tokenSchema, userSchema } from './auth-answers';
import type { Actor } from '../event-log/event-hash';
import { Access, ADMIN } from './access';
import { AuthService, passwordInputSchema, tokenInputSchema, userInputSchema } from './auth.service';
import { WithoutIdempotencyKey } from '../common/idempotency-key';

/** Users and API tokens: the admin's work, and nothing else is. */
@ApiTags('Benutzer und Tokens')
@Controller('api')
export class UsersController {
  constructor(private readonly auth: AuthService) {}

  @Get('users')
  @Access(ADMIN)
  @ApiOperation({ summary: 'Benutzer mit Rolle (ohne Passwörter)' })
  @ApiAnswer(z.array(userSchema))
  list() {
    return this.auth.listUsers();
  }

  @Post('users')
  @Access(ADMIN)
  @HttpCode(201)
  @ApiOperation({ summary: 'Benutzer anlegen (Rolle; für lead die contactId der Ansprechperson; optional ein Passwort für die Weboberfläche)' })
  @ApiBody({ schema: jsonSchema(userInputSchema) })
  @ApiAnswer(userSchema, { status: 201 })
  create(@Body() body: unknown, @CurrentActor() actor: Actor) {
    return this.auth.createUser(body, actor.id);
  }

  @Put('users/:username/password')
  @Access(ADMIN)
  @HttpCode(200)
  @ApiOperation({ summary: 'Passwort eines Benutzers setzen' })
  @ApiBody({ schema: jsonSchema(passwordInputSchema) })
  @ApiAnswer(z.object({ username: z.string(), passwordSet: z.literal(true) }))
  async setPassword(@Param('username') username: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    await this.auth.setPassword(username, body, actor.id);
    return { username, passwordSet: true };
  }

  @Post('users/:username/disable')
  @Access(ADMIN)
  @HttpCode(200)
  @ApiOperation({ summary: 'Benutzer sperren: widerruft seine Tokens und beendet seine Sitzungen' })
  @ApiAnswer(userSchema)
  disable(@Param('username') username: string, @CurrentActor() actor: Actor) {
    return this.auth.disableUser(username, actor.id);
  }

  @Get('users/:username/tokens')
  @Access(ADMIN)
  @ApiOperation({ summary: 'Die Tokens eines Benutzers (ohne ihren Wert)' })
  @ApiAnswer(z.array(tokenSchema))
  tokens(@Param('username') username: string) {
    return this.auth.tokensOf(username);
  }

  @Post('users/:username/tokens')
  @WithoutIdempotencyKey()
  @Access(ADMIN)
  @HttpCode(201)
  @ApiOperation({ summary: 'API-Token erzeugen: der Wert wird nur dieses eine Mal gezeigt' })
  @ApiBody({ schema: jsonSchema(tokenInputSchema) })
  @ApiAnswer(issuedTokenSchema, { status: 201 })
  createToken(@Param('username') username: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    return this.auth.createToken(username, body, actor.id);
  }

  @Delete('tokens/:id')
  @Access(ADMIN)
  @HttpCode(200)
  @ApiOperation({ summary: 'Token widerrufen' })
  @ApiAnswer(tokenSchema)
  revoke(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return this.auth.revokeToken(id, actor.id);
  }
}
