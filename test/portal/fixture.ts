/**
 * A small region for the portal's tests, served by `caqes serve` on a free port: two PACA sites and
 * one Corse site targeted on MO, an action plan owed by 09/03/2026 and a hors-AMM argumentation by
 * 21/03/2026 (campaign 2025-S2), processed on 23/02/2026.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startServe, type Serving } from '../../lib/cli/serve';
import { writeDataDir } from '../helpers/data-dir';

export const A = '130780018';
export const B = '830100012';
export const D = '2A0000717';
export const CAMPAIGN = '2025-S2';
export const TODAY = '2026-02-23';

export const PORTAL_FILES: Readonly<Record<string, string>> = {
  'referential/etablissements.csv': [
    'finess;finess_juridique;raison_sociale;region;categorie;contrat;emails',
    `${A};130780000;CHU Test – Timone;PACA;ex-DG;C1;a@chu.example`,
    `${B};830100004;Hôpital de Toulon-Test;PACA;ex-DG;C2;b@ch.example`,
    `${D};2A0000709;Hôpital d’Ajaccio-Test;Corse;ex-DG;C3;d@ch.example`,
    '',
  ].join('\n'),
  'referential/ciblage-2025.csv': ['finess;indicateur', `${A};MO`, `${B};MO`, `${D};MO`, ''].join('\n'),
  'referential/calendrier-2025.csv': [
    'campagne;echeance;date;indicateur;documents;libelle',
    `${CAMPAIGN};retour_preuves;09/03/2026;MO;plan_actions;Retour des éléments de preuve du semestre 2`,
    `${CAMPAIGN};argumentaire_hors_amm;21/03/2026;MO;argumentaire_hors_amm;Argumentaire hors-AMM du S2 2025`,
    '',
  ].join('\n'),
  'atih/2025/mo-2025.csv': [
    'finess;annee;mois;ucd;libelle;code_indication;nb_ucd;montant',
    `${A};2025;1;9412631;IG;I999;38;3 800,00`,
    `${A};2025;1;9412631;IG;I000125;162;16 200,00`,
    `${B};2025;3;3400893826631;RITUXIMAB;I999;15;1 500,00`,
    `${B};2025;3;3400893826631;RITUXIMAB;I000313;85;8 500,00`,
    `${D};2025;12;9385412;TRASTUZUMAB;I999;9;900,00`,
    `${D};2025;12;9385412;TRASTUZUMAB;I000487;91;9 100,00`,
    '',
  ].join('\n'),
};

/** A document the evidence zone accepts. */
export const GOOD_PDF = '%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n';

/** A hors-AMM argumentation with one mistake: line 3, column nb_ucd, « trois ». */
export function badArgumentaire(finess: string): string {
  return [
    'finess;ucd;libelle;code_indication;nb_ucd;argumentaire;amm_miroir;exclusion',
    `${finess};9412631;IG;I999;20;Décision RCP;;non`,
    `${finess};9412631;IG;I999;trois;Décision RCP;;non`,
    '',
  ].join('\n');
}

export interface Portal {
  serving: Serving;
  /** A's, B's and D's links, printed by `caqes serve`. */
  link(finess: string): string;
  stop(): Promise<void>;
}

/** `caqes serve --data <the region above> --today 2026-02-23` on a free port; `files` replace or add some of the region's. */
export async function startPortal(files: Record<string, string> = {}): Promise<Portal> {
  const dataDir = await writeDataDir('caqes-portal-data-', { ...PORTAL_FILES, ...files });
  // Each test file has its own serve state, so `caqes link` finds the portal of its own file.
  process.env.CAQES_SERVE_STATE = join(dataDir, 'serve.json');
  const serving = await startServe({ port: 0, dataDir, today: TODAY });
  return {
    serving,
    link(finess) {
      const found = serving.links.find((l) => l.finess === finess);
      if (!found) throw new Error(`no link printed for ${finess}`);
      return found.url;
    },
    async stop() {
      await serving.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The token of a personal link (its fragment). */
export function tokenOf(url: string): string {
  return new URL(url).hash.slice(1);
}

/**
 * What the establishment's page does with its link: asks for a form, posts the file to S3 with it,
 * then asks for the result until ingest has written it. Returns the upload's S3 key.
 */
export async function uploadThroughLink(portal: Portal, finess: string, kind: string, fileName: string, content: string): Promise<string> {
  const headers = { authorization: `Bearer ${tokenOf(portal.link(finess))}`, 'content-type': 'application/json' };
  const asked = await fetch(`${portal.serving.url}/api/depot/uploads`, { method: 'POST', headers, body: JSON.stringify({ kind, fileName, size: Buffer.byteLength(content) }) });
  if (asked.status !== 201) throw new Error(`upload form refused: ${asked.status} ${await asked.text()}`);
  const { key, url, fields } = (await asked.json()) as { key: string; url: string; fields: Record<string, string> };
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  data.append('file', new Blob([content]), fileName);
  const posted = await fetch(url, { method: 'POST', body: data });
  if (posted.status !== 204) throw new Error(`S3 refused the upload: ${posted.status}`);
  for (let attempt = 0; attempt < 100; attempt++) {
    const answer = (await (await fetch(`${portal.serving.url}/api/depot/result?key=${encodeURIComponent(key)}`, { headers })).json()) as { state: string };
    if (answer.state === 'done') return key;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`no result for ${key}`);
}
