import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { htmlToPdf } from '../report/pdf';
import type { PortalTarget } from './link';
import { summaryYear } from './summary';
import { UsageError } from './usage';

/** What `caqes report` is asked for, as typed. */
export interface ReportOptions {
  contract?: string;
  campaign?: string;
  /** Where to write: `.html` (the printable page) or `.pdf` (that page printed by headless Chromium). */
  out?: string;
  /** Only needed when two regions have a contract of that name. */
  region?: string;
}

export type ReportCommandResult = { ok: true; region: string; year: number; contract: string; out: string; format: 'html' | 'pdf' } | { ok: false; message: string };

const Listed = z.object({ reports: z.array(z.object({ region: z.string(), contrat: z.string() })) });
const Refusal = z.object({ error: z.object({ message: z.string() }) });

/**
 * Checks the options before the portal is asked anything.
 * @throws UsageError for a missing contract, a malformed campaign, an output that is neither `.html` nor `.pdf`.
 */
export function reportRequest(options: ReportOptions): { contract: string; year: number; out: string; format: 'html' | 'pdf'; region?: string } {
  if (!options.contract) throw new UsageError('--contract est obligatoire (l’identifiant du contrat, par exemple CAQES-PACA-001)');
  const year = summaryYear(options.campaign);
  if (!options.out) throw new UsageError('--out est obligatoire (FICHIER.html ou FICHIER.pdf)');
  const format = /\.pdf$/i.test(options.out) ? 'pdf' : /\.html?$/i.test(options.out) ? 'html' : null;
  if (!format) throw new UsageError(`--out attend un fichier .html ou .pdf (reçu « ${options.out} »)`);
  return { contract: options.contract, year, out: options.out, format, ...(options.region ? { region: options.region.toUpperCase() } : {}) };
}

async function ask(target: PortalTarget, path: string): Promise<{ ok: true; response: Response } | { ok: false; message: string }> {
  let response: Response;
  try {
    response = await fetch(`${target.url.replace(/\/+$/, '')}${path}`, { headers: { authorization: `Bearer ${target.staffToken}` } });
  } catch {
    throw new UsageError(`le portail ${target.url} ne répond pas (« caqes serve » est-il toujours lancé ?)`);
  }
  if (response.ok) return { ok: true, response };
  const refusal = Refusal.safeParse(await response.json().catch(() => null));
  return { ok: false, message: refusal.success ? refusal.data.error.message : `réponse inattendue du portail (${response.status})` };
}

/**
 * Exports one contract's self-evaluation report through the portal's OMéDIT API (the same route and
 * checks as its page): the printable page, or that page as a PDF through this machine's Chromium.
 *
 * @example
 * const done = await reportCommand(await portalTarget(), { contract: 'CAQES-PACA-001', campaign: '2025', out: 'rapport.pdf' });
 * @throws UsageError for bad options, a portal that does not answer, or a contract of that name in several regions without `--region`.
 */
export async function reportCommand(target: PortalTarget, options: ReportOptions): Promise<ReportCommandResult> {
  const request = reportRequest(options);
  const listed = await ask(target, `/api/omedit/reports?year=${request.year}${request.region ? `&region=${encodeURIComponent(request.region)}` : ''}`);
  if (!listed.ok) return listed;
  const reports = Listed.parse(await listed.response.json()).reports;
  const regions = [...new Set(reports.filter((r) => r.contrat === request.contract).map((r) => r.region))];
  if (regions.length === 0) {
    const known = [...new Set(reports.map((r) => r.contrat))].slice(0, 10);
    return { ok: false, message: `aucun rapport ${request.year} pour le contrat « ${request.contract} »${known.length ? ` (contrats : ${known.join(', ')})` : ''}` };
  }
  if (regions.length > 1) throw new UsageError(`le contrat « ${request.contract} » existe dans plusieurs régions (${regions.join(', ')}) : précisez --region`);
  const region = regions[0]!;
  const exported = await ask(target, `/api/omedit/report/export?region=${encodeURIComponent(region)}&year=${request.year}&contrat=${encodeURIComponent(request.contract)}`);
  if (!exported.ok) return exported;
  const html = await exported.response.text();
  let bytes: string | Buffer = html;
  if (request.format === 'pdf') {
    try {
      bytes = await htmlToPdf(html);
    } catch (error) {
      return { ok: false, message: `PDF impossible : ${(error as Error).message}` };
    }
  }
  await mkdir(dirname(request.out), { recursive: true });
  await writeFile(request.out, bytes);
  return { ok: true, region, year: request.year, contract: request.contract, out: request.out, format: request.format };
}
