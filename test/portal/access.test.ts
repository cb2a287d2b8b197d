/**
 * Who may do what: the caller a request resolves to (a link, a staff credential), and the checks
 * every route makes against it. A token for one establishment never reaches another's files.
 */
import { describe, expect, it } from 'vitest';
import { assertOwnEvidenceKey, assertRegion, asEstablishment, asStaff, visibleRegions } from '../../lib/portal/access';
import { credentialsOf, resolveCaller, type CallerDeps, type Credentials, type EstablishmentCaller, type StaffCaller } from '../../lib/portal/caller';
import { ApiError } from '../../lib/portal/errors';
import { planUpload } from '../../lib/portal/upload-policy';
import { signLinkToken } from '../../lib/portal/token';
import type { LinkRecord } from '../../lib/store/link-store';
import { s3Keys } from '../../lib/store/keys';

const KEY = 'a-link-key-long-enough-to-be-a-real-hmac-key';
const NOW = new Date('2026-02-23T10:00:00Z');
const A = '130780018';
const B = '830100012';
const STAFF_TOKEN = 'staff-token-of-omedit-paca-corse-0123456789';
const PACA_TOKEN = 'staff-token-of-omedit-paca-only-0123456789ab';

function record(over: Partial<LinkRecord> = {}): LinkRecord {
  return {
    id: 'link-0001-abcdef',
    region: 'PACA',
    campaign: '2025-S2',
    finess: A,
    issuedAt: '2026-02-23T06:00:00.000Z',
    expiresAt: '2026-03-25T06:00:00.000Z',
    issuedBy: 'rappel J-14',
    revokedAt: null,
    revokedBy: null,
    ...over,
  };
}

function tokenOf(r: LinkRecord): string {
  return signLinkToken({ id: r.id, region: r.region, campaign: r.campaign, finess: r.finess, exp: Date.parse(r.expiresAt) / 1000 }, KEY);
}

function deps(records: LinkRecord[]): CallerDeps {
  return {
    secrets: {
      linkKey: async () => KEY,
      staffCredentials: async () => [
        { name: 'omedit', token: STAFF_TOKEN, regions: ['*'] },
        { name: 'omedit-paca', token: PACA_TOKEN, regions: ['PACA'] },
      ],
    },
    links: { get: async (region, campaign, finess, id) => records.find((r) => r.region === region && r.campaign === campaign && r.finess === finess && r.id === id) ?? null },
    accounts: { get: async () => null },
    sessions: { put: async () => undefined, get: async () => null, touch: async () => undefined, delete: async () => undefined },
    now: () => NOW,
  };
}

function bearer(value: string | null): Credentials {
  return { bearer: value, session: null, claims: null };
}

async function refusal(promise: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  const { status, code, message } = error as ApiError;
  return { status, code, message };
}

const timone: EstablishmentCaller = { kind: 'establishment', finess: A, campaign: '2025-S2', region: 'PACA', linkId: 'l', expiresAt: '2026-03-25T06:00:00.000Z' };

describe('resolving the caller of a request', () => {
  it('reads a bearer credential from the Authorization header, a session from its cookie, claims from the authorizer only', () => {
    const none = { bearer: null, session: null, claims: null };
    expect(credentialsOf({ headers: { authorization: 'Bearer v1.abc.def' } })).toEqual({ ...none, bearer: 'v1.abc.def' });
    expect(credentialsOf({ headers: { authorization: 'bearer  xyz ' } })).toEqual({ ...none, bearer: 'xyz' });
    expect(credentialsOf({ headers: { authorization: 'Basic xyz' } })).toEqual(none);
    expect(credentialsOf({ headers: {} })).toEqual(none);
    const id = 'A'.repeat(43);
    expect(credentialsOf({ headers: { cookie: `theme=dark; __Host-caqes-session=${id}` } })).toEqual({ ...none, session: id });
    // A cookie of another shape is not looked up at all.
    expect(credentialsOf({ headers: { cookie: '__Host-caqes-session=../../x' } })).toEqual(none);
    expect(credentialsOf({ headers: {}, claims: { sub: 'x' } })).toEqual({ ...none, claims: { sub: 'x' } });
  });

  it('makes a valid link an establishment caller for its one FINESS, campaign and region', async () => {
    const r = record();
    expect(await resolveCaller(bearer(tokenOf(r)), deps([r]))).toEqual({
      kind: 'establishment',
      finess: A,
      campaign: '2025-S2',
      region: 'PACA',
      linkId: r.id,
      expiresAt: r.expiresAt,
    });
  });

  it('refuses an expired link, saying since when, in French', async () => {
    const r = record({ expiresAt: '2026-02-20T06:00:00.000Z' });
    expect(await refusal(resolveCaller(bearer(tokenOf(r)), deps([r])))).toEqual({
      status: 401,
      code: 'link-expired',
      message: 'Ce lien de dépôt a expiré le 20/02/2026. Demandez un nouveau lien à l’OMéDIT.',
    });
  });

  it('refuses a revoked link, and a signed link whose record is missing or says another expiry', async () => {
    const revoked = record({ revokedAt: '2026-02-22T00:00:00.000Z', revokedBy: 'omedit' });
    expect(await refusal(resolveCaller(bearer(tokenOf(revoked)), deps([revoked])))).toMatchObject({ status: 401, code: 'link-revoked' });
    expect(await refusal(resolveCaller(bearer(tokenOf(record())), deps([])))).toMatchObject({ status: 401, code: 'link-invalid' });
    const longer = tokenOf(record({ expiresAt: '2027-01-01T00:00:00.000Z' }));
    expect(await refusal(resolveCaller(bearer(longer), deps([record()])))).toMatchObject({ status: 401, code: 'link-invalid' });
  });

  it('refuses an altered link: its FINESS changed to another establishment’s', async () => {
    const r = record();
    const [prefix, payload, signature] = tokenOf(r).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, finess: B })).toString('base64url');
    const other = record({ finess: B });
    expect(await refusal(resolveCaller(bearer(`${prefix}.${forged}.${signature}`), deps([r, other])))).toEqual({
      status: 401,
      code: 'link-invalid',
      message: expect.stringContaining('n’est pas valide') as unknown as string,
    });
  });

  it('makes the machine credential of caqes link an OMéDIT caller over its regions, and refuses any other', async () => {
    expect(await resolveCaller(bearer(STAFF_TOKEN), deps([]))).toEqual({ kind: 'staff', role: 'omedit', name: 'omedit', regions: 'all', via: 'machine' });
    const paca = (await resolveCaller(bearer(PACA_TOKEN), deps([]))) as StaffCaller;
    expect(paca.regions).toEqual(new Set(['PACA']));
    expect(await refusal(resolveCaller(bearer(`${STAFF_TOKEN}x`), deps([])))).toMatchObject({ status: 401, code: 'staff-invalid' });
    expect(await refusal(resolveCaller(bearer(null), deps([])))).toMatchObject({ status: 401, code: 'unauthenticated' });
  });
});

describe('what a caller may touch', () => {
  const paca: StaffCaller = { kind: 'staff', role: 'omedit', name: 'omedit-paca', regions: new Set(['PACA']), via: 'session' };

  it('keeps establishments out of staff routes and staff out of establishment routes', () => {
    expect(() => asStaff(timone)).toThrow('réservée à l’OMéDIT');
    expect(() => asEstablishment(paca)).toThrow('lien personnel');
  });

  it('lets staff see its regions only, and an establishment its own region only', () => {
    expect(visibleRegions(paca, ['CORSE', 'PACA'])).toEqual(['PACA']);
    expect(() => assertRegion(paca, 'CORSE')).toThrow('Accès refusé : la région CORSE ne fait pas partie de vos régions.');
    expect(visibleRegions(timone, ['CORSE', 'PACA'])).toEqual(['PACA']);
  });

  it('lets a link read the results of its own uploads only', () => {
    const own = s3Keys.evidence('2025-S2', A, 'plan_actions', 'u1', 'plan.pdf');
    expect(assertOwnEvidenceKey(timone, own)).toMatchObject({ kind: 'plan_actions', uploadId: 'u1', fileName: 'plan.pdf' });
    for (const key of [
      s3Keys.evidence('2025-S2', B, 'plan_actions', 'u1', 'plan.pdf'),
      s3Keys.evidence('2026-S1', A, 'plan_actions', 'u1', 'plan.pdf'),
      'atih/2025/mo-2025.csv',
      `reports/${own}/x.json`,
      'summaries/2025/PACA.xlsx',
      `evidence/2025-S2/${A}/../${B}/plan.pdf`,
    ]) {
      expect(() => assertOwnEvidenceKey(timone, key), key).toThrow(/Accès refusé : ce lien ne donne accès qu’aux dépôts de l’établissement 130780018/);
    }
  });
});

describe('planning an upload', () => {
  it('builds the key from the link’s FINESS and campaign, whatever the file name says', () => {
    for (const fileName of [`../../${B}/plan_actions/x.pdf`, `..\\${B}\\x.pdf`, `evidence/2025-S2/${B}/plan_actions/u9-x.pdf`]) {
      const { key } = planUpload(timone, { kind: 'plan_actions', fileName, size: 10 }, 'u1');
      expect(key.startsWith(`evidence/2025-S2/${A}/plan_actions/u1-`), key).toBe(true);
      expect(key.split('/')).toHaveLength(5);
    }
    // Markup in a name never reaches a key (nor, through it, a report or a page).
    const { key, fileName } = planUpload(timone, { kind: 'plan_actions', fileName: '<img src=x onerror="alert(1)">.pdf', size: 10 }, 'u1');
    expect(fileName).toBe('img_src_x_onerror_alert_1_.pdf');
    expect(key).not.toMatch(/[<>"'&\s]/);
  });

  it('refuses an unknown kind, a file type its kind does not take, an empty file and an oversized one', () => {
    const refused = (request: { kind: string; fileName: string; size: number }) => {
      try {
        planUpload(timone, request, 'u1');
      } catch (error) {
        const { status, code, message } = error as ApiError;
        return { status, code, message };
      }
      throw new Error('accepted');
    };
    expect(refused({ kind: 'bulletin_de_paie', fileName: 'x.pdf', size: 10 })).toMatchObject({ status: 400, code: 'unknown-kind', message: expect.stringContaining('Type de document inconnu : « bulletin_de_paie »') });
    expect(refused({ kind: 'plan_actions', fileName: 'plan.exe', size: 10 })).toMatchObject({
      status: 400,
      code: 'file-type-refused',
      message: 'Le fichier « plan.exe » ne peut pas être déposé ici : formats acceptés pour « Plan d’actions » : .pdf, .docx, .xlsx, .ods, .odt, .csv.',
    });
    expect(refused({ kind: 'argumentaire_hors_amm', fileName: 'argumentaire.pdf', size: 10 })).toMatchObject({ status: 400, code: 'file-type-refused', message: expect.stringContaining('.csv, .xlsx ou .ods') });
    expect(refused({ kind: 'argumentaire_hors_amm', fileName: 'argumentaire.xls', size: 10 })).toMatchObject({
      status: 400,
      code: 'file-type-refused',
      message: expect.stringContaining('classeur Excel 97-2003 (.xls), format qui n’est pas lu ; ouvrez-le dans Excel ou LibreOffice et enregistrez-le au format .xlsx'),
    });
    expect(planUpload(timone, { kind: 'argumentaire_hors_amm', fileName: 'argumentaire.ods', size: 10 }, 'u1')).toMatchObject({ contentType: 'application/vnd.oasis.opendocument.spreadsheet' });
    expect(refused({ kind: 'plan_actions', fileName: 'plan.pdf', size: 0 })).toMatchObject({ status: 400, code: 'empty-file', message: 'Le fichier « plan.pdf » est vide.' });
    expect(refused({ kind: 'plan_actions', fileName: 'plan.pdf', size: 50 * 1024 ** 2 + 1 })).toMatchObject({
      status: 413,
      code: 'file-too-large',
      message: 'Le fichier « plan.pdf » dépasse la taille maximale de 50 Mo pour ce type de document.',
    });
    expect(planUpload(timone, { kind: 'plan_actions', fileName: 'plan.pdf', size: 50 * 1024 ** 2 }, 'u1').maxBytes).toBe(50 * 1024 ** 2);
  });
});
