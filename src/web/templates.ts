import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { Eta } from 'eta';

/**
 * The web UI's files (views, assets) sit beside this module: in the source tree under jest and
 * `ts-node`, in `dist/src/web` after `nest build` (nest-cli.json copies them as assets).
 */
export function webDir(name: 'views' | 'assets'): string {
  const dir = join(__dirname, name);
  if (!existsSync(dir)) throw new Error(`Web-Oberfläche: Verzeichnis ${dir} fehlt (nest-cli.json „assets“ prüfen).`);
  return dir;
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
