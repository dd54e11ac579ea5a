import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { Eta } from 'eta';
import { projectFile } from '../common/project-file';

/**
 * The web UI's files (views, assets) sit beside this module: in the source tree under jest, in
 * `dist/src/web` after `nest build` (nest-cli.json copies them as assets). A build without the
 * assets (e.g. the benchmark's plain tsc build) falls back to the source tree.
 */
export function webDir(name: 'views' | 'assets'): string {
  const beside = join(__dirname, name);
  return existsSync(beside) ? beside : projectFile(join('src', 'web', name));
}

/** Renders the eta templates in `views/`; values are HTML-escaped unless printed with `<%~`. */
@Injectable()
export class Templates {
  private readonly eta = new Eta({ views: webDir('views'), cache: process.env.NODE_ENV !== 'development', autoEscape: true });

  render(view: string, data: object): string {
    return this.eta.render(view, data);
  }
}

/** Escapes text for HTML and SVG outside the templates (the diagrams). */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
