import type { DropKey } from '../store/keys';
import { DocumentKind } from '../domain/schemas';
import { argumentaireFormat } from './kinds/argumentaire';
import { atihMoFormat } from './kinds/atih-mo';
import { calendrierFormat } from './kinds/calendrier';
import { ciblageFormat } from './kinds/ciblage';
import { etablissementsFormat } from './kinds/etablissements';
import { objectifsFormat } from './kinds/objectifs';

/** Every file kind the drop zone accepts, recognised from its place and name. */
export type Recognised =
  | { tag: 'etablissements'; format: typeof etablissementsFormat }
  | { tag: 'ciblage'; format: typeof ciblageFormat; year: number }
  | { tag: 'objectifs'; format: typeof objectifsFormat; year: number }
  | { tag: 'calendrier'; format: typeof calendrierFormat; year: number }
  | { tag: 'atih-mo'; format: typeof atihMoFormat; year: number }
  | { tag: 'argumentaire'; format: typeof argumentaireFormat; campaign: string; finess: string }
  | { tag: 'document'; kind: DocumentKind; campaign: string; finess: string };

export type Unrecognised = { tag: 'unknown'; detail: string };

const YEAR_FILE = /^(ciblage|objectifs|calendrier)[-_](\d{4})\.(csv|txt)$/i;

/** Which kind a received file is, from its drop-zone key; `unknown` says why in French. */
export function recognise(key: DropKey): Recognised | Unrecognised {
  const name = key.fileName.toLowerCase();
  switch (key.zone) {
    case 'referential': {
      if (/^etablissements.*\.(csv|txt)$/.test(name)) return { tag: 'etablissements', format: etablissementsFormat };
      const m = YEAR_FILE.exec(name);
      if (m) {
        const year = Number(m[2]);
        if (m[1] === 'ciblage') return { tag: 'ciblage', format: ciblageFormat, year };
        if (m[1] === 'objectifs') return { tag: 'objectifs', format: objectifsFormat, year };
        return { tag: 'calendrier', format: calendrierFormat, year };
      }
      return { tag: 'unknown', detail: 'le référentiel attend etablissements.csv, ciblage-AAAA.csv, objectifs-AAAA.csv ou calendrier-AAAA.csv' };
    }
    case 'atih':
      if (/^mo[-_].*\.(csv|txt)$/.test(name)) return { tag: 'atih-mo', format: atihMoFormat, year: key.year };
      return { tag: 'unknown', detail: 'les extraits ATIH attendus sont nommés mo-*.csv' };
    case 'cpam':
      return { tag: 'unknown', detail: 'les extraits CPAM ne sont pas encore pris en charge par cette version' };
    case 'evidence': {
      const kind = DocumentKind.safeParse(key.kind);
      if (!kind.success) return { tag: 'unknown', detail: `type de document « ${key.kind} » inconnu (attendus : ${DocumentKind.options.join(', ')})` };
      if (kind.data === 'argumentaire_hors_amm' && /\.(csv|txt)$/.test(name)) {
        return { tag: 'argumentaire', format: argumentaireFormat, campaign: key.campaign, finess: key.finess };
      }
      return { tag: 'document', kind: kind.data, campaign: key.campaign, finess: key.finess };
    }
  }
}
