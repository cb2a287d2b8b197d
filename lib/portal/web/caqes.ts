/**
 * The pages' shared namespace, `window.CAQES`, and their own events, typed: common.js fills the
 * namespace, session.js adds `session`, rapport.js adds `report`; the page scripts read it.
 */
import type { Me, Overview } from './api-types';
import type { Common } from './common';
import type { Report } from './rapport';
import type { Session } from './session';

export type Caqes = Common & { session: Session; report: Report };
/** The ApiError class of common.js, as a type. */
export type ApiErrorOf = InstanceType<Common['ApiError']>;

/** What omedit.js tells the other parts of the staff page after each load. */
export interface OverviewDetail {
  year: number | null;
  region: string | null;
  overview: Overview;
}

declare global {
  interface Window {
    CAQES: Caqes;
  }
  interface DocumentEventMap {
    'caqes:signed-in': CustomEvent<Me>;
    'caqes:overview': CustomEvent<OverviewDetail>;
  }
}
