import type { Request, Response } from 'express';
import { MAX_ATTACHMENTS } from '../tickets/index.js';
import type { PortalDeps } from './deps.js';
import type { FormProblem } from './form.js';
import type { PageContext } from './layout.js';
import type { CookieOptions } from './session.js';
import type { Words } from './words.js';

/** What the routes share: the services, the page context of the signed-in contact, and the ways to answer. */
export interface PortalKit {
  deps: PortalDeps;
  w: Words;
  cookieOpts: CookieOptions;
  /** The page context; `withFlash: false` leaves a waiting message for the page it was meant for. */
  ctxOf(req: Request, res: Response, withFlash?: boolean): PageContext;
  send(res: Response, rendered: [number, string]): void;
}

/** A form refused before it reached the ticket: its status and why, in words. */
export interface Refusal {
  status: number;
  text: string;
}

/** A form whose files could not be taken, in words. */
export function refusalOf(w: Words, p: FormProblem): Refusal {
  switch (p.kind) {
    case 'file_too_large':
      return { status: 413, text: w.problems.fileTooLarge(p.name) };
    case 'too_many_files':
      return { status: 413, text: w.problems.tooManyFiles(MAX_ATTACHMENTS) };
    case 'files_too_large':
    case 'too_large':
      return { status: 413, text: w.problems.filesTooLarge };
    case 'busy':
      return { status: 503, text: w.problems.busy };
    case 'no_room':
      return { status: 413, text: w.problems.noRoomForFiles };
    case 'unreadable':
      return { status: 400, text: w.problems.unreadable };
  }
}
