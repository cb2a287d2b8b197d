/**
 * What the API answers, as the pages read it: types only, taken from the server's own modules so that
 * a change of a response is a type error here. Nothing of the server is bundled from this file.
 */
import type { z } from 'zod';
import type { Declaration, Declarations } from '../../domain/self-evaluation';
import type { ReportView, SectionView } from '../../report/self-evaluation-view';
import type { AccountView } from '../../store/account-store';
import type { createAccount, resetAccountPassword } from '../accounts';
import type { AuthConfig } from '../auth-config';
import type { DescribedEntry } from '../audit-sentences';
import type { ApiErrorCode } from '../errors';
import type { EstablishmentPage, FileResult } from '../establishment-view';
import type { InputKindView, listInputs } from '../inputs';
import type { LinkView } from '../links';
import type { Overview } from '../omedit-view';
import type { me } from '../routes';
import type { establishmentReport, reportHistory, ReviewBody, staffReport, staffReports, uploadLock } from '../self-evaluation';

export type { AccountView, AuthConfig, EstablishmentPage, FileResult, InputKindView, LinkView, Overview };

/** The API's codes, and the page's own: the server did not answer, answered no JSON, or refused an export. */
export type ErrorCode = ApiErrorCode | 'network' | 'unexpected' | 'export';

/** Who is signed in (`/api/auth/me`, `/api/auth/login`). */
export type Me = ReturnType<typeof me>;

/** `/api/depot`: the page, and why uploads are closed once the year's report is locked. */
export type DepotPage = EstablishmentPage & { uploadsClosed: Awaited<ReturnType<typeof uploadLock>> };
export type DoneFileResult = Extract<FileResult, { state: 'done' }>;
export type EstablishmentReport = Awaited<ReturnType<typeof establishmentReport>>;
export type StaffReport = Awaited<ReturnType<typeof staffReport>>;
export type StaffReportList = Awaited<ReturnType<typeof staffReports>>;
export type ReportHistory = Awaited<ReturnType<typeof reportHistory>>;
/** `/api/omedit/audit`, `/api/admin/audit`: the period asked and its entries in French. */
export type AuditAnswer = { from: string; to: string; entries: DescribedEntry[] };
export type CreatedAccount = Awaited<ReturnType<typeof createAccount>>;
/** `/api/admin/accounts/disable` answers `{ account }`; a reset adds the temporary password (null when Cognito e-mailed it). */
export type AccountChange = { account: AccountView } & Partial<Pick<Awaited<ReturnType<typeof resetAccountPassword>>, 'temporaryPassword'>>;
/** What OMéDIT's review form sends for one indicator (the report's address and version added by rapports.js). */
export type ReviewDecision = Omit<z.input<typeof ReviewBody>, 'region' | 'year' | 'contrat' | 'version'>;
export type { ReportView, SectionView, Declarations, Declaration };
export type InputsPage = Awaited<ReturnType<typeof listInputs>>;
