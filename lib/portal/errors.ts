import { formatFrenchDate } from '../io/french';

/** Stable codes of the API's refusals: pages and scripts read the code, people read the message. */
export type ApiErrorCode =
  | 'unauthenticated'
  | 'link-invalid'
  | 'link-expired'
  | 'link-revoked'
  | 'staff-invalid'
  | 'session-expired'
  | 'too-long'
  | 'login-failed'
  | 'too-many-attempts'
  | 'cross-origin'
  | 'forbidden'
  | 'conflict'
  | 'bad-request'
  | 'unknown-kind'
  | 'file-type-refused'
  | 'file-too-large'
  | 'empty-file'
  | 'not-found'
  | 'method-not-allowed'
  | 'payload-too-large'
  | 'report-locked'
  | 'report-incomplete'
  | 'internal';

/** A refusal the API answers with: its HTTP status, stable code and French message. Never carries internals. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    /** Headers the refusal is answered with (`retry-after`). */
    readonly headers: Readonly<Record<string, string>> = {},
    /** What to fix, item by item, in French (a report's submission: what is still empty). */
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 ** 2)} Mo`;

/** The one French catalogue of the API's refusals. */
export const apiErrors = {
  unauthenticated: () =>
    new ApiError(401, 'unauthenticated', 'Identification requise : ouvrez le lien personnel reçu par e-mail, ou identifiez-vous dans l’espace OMéDIT.'),
  linkInvalid: () =>
    new ApiError(
      401,
      'link-invalid',
      'Ce lien de dépôt n’est pas valide : il a peut-être été coupé ou modifié. Ouvrez le lien complet reçu par e-mail, ou demandez-en un nouveau à l’OMéDIT.',
    ),
  linkExpired: (expiredOn: string) =>
    new ApiError(401, 'link-expired', `Ce lien de dépôt a expiré le ${formatFrenchDate(expiredOn)}. Demandez un nouveau lien à l’OMéDIT.`),
  linkRevoked: () =>
    new ApiError(
      401,
      'link-revoked',
      'Ce lien de dépôt a été désactivé par l’OMéDIT. Utilisez le lien le plus récent reçu par e-mail, ou demandez-en un nouveau.',
    ),
  staffInvalid: () => new ApiError(401, 'staff-invalid', 'Jeton d’accès OMéDIT non reconnu.'),
  sessionExpired: () => new ApiError(401, 'session-expired', 'Votre session a pris fin : identifiez-vous de nouveau.'),
  // One message whatever was wrong (unknown address, wrong password, disabled account): it tells nothing of the accounts.
  loginFailed: () => new ApiError(401, 'login-failed', 'Adresse e-mail ou mot de passe incorrect.'),
  tooManyAttempts: (retryAfterSeconds: number) =>
    new ApiError(
      429,
      'too-many-attempts',
      `Trop de tentatives de connexion infructueuses. Réessayez dans ${retryAfterSeconds < 60 ? `${retryAfterSeconds} seconde(s)` : `${Math.ceil(retryAfterSeconds / 60)} minute(s)`}.`,
      { 'retry-after': String(retryAfterSeconds) },
    ),
  crossOrigin: () => new ApiError(403, 'cross-origin', 'Requête refusée : elle ne vient pas d’une page du portail.'),
  localLoginOff: () => new ApiError(404, 'not-found', 'La connexion se fait par le service d’identification du portail (Cognito).'),
  noRole: () => new ApiError(403, 'forbidden', 'Votre compte n’a aucun rôle sur ce portail : demandez-en un à l’administrateur.'),
  severalRoles: () => new ApiError(403, 'forbidden', 'Votre compte a plusieurs rôles : un compte ne doit en avoir qu’un. Prévenez l’administrateur.'),
  staffOnly: () => new ApiError(403, 'forbidden', 'Cette action est réservée à l’OMéDIT.'),
  roleForbidden: () => new ApiError(403, 'forbidden', 'Accès refusé : votre rôle ne permet que la lecture des indicateurs, des rapports et des synthèses.'),
  adminOnly: () => new ApiError(403, 'forbidden', 'Cette action est réservée à l’administrateur de la plateforme.'),
  noRegionalData: () => new ApiError(403, 'forbidden', 'Accès refusé : l’administrateur gère les comptes et ne voit aucune donnée régionale.'),
  inputsOnly: () => new ApiError(403, 'forbidden', 'Accès refusé : seuls les fichiers de l’OMéDIT de vos régions (envoyés depuis sa page ou déposés dans la zone de dépôt) se consultent ici.'),
  otherRegionsFile: () => new ApiError(403, 'forbidden', 'Accès refusé : ce fichier déposé dans la zone de dépôt contient des lignes d’autres régions que les vôtres ; son rapport se consulte, le fichier ne se télécharge pas.'),
  evidenceOnly: () => new ApiError(403, 'forbidden', 'Accès refusé : seuls les fichiers déposés par les établissements se consultent ici.'),
  accountExists: (email: string) => new ApiError(409, 'conflict', `Un compte existe déjà pour ${email}.`),
  unknownAccount: (email: string) => new ApiError(404, 'not-found', `Aucun compte pour ${email}.`),
  ownAccount: () => new ApiError(409, 'conflict', 'Vous ne pouvez pas désactiver votre propre compte.'),
  establishmentOnly: () => new ApiError(403, 'forbidden', 'Cette action se fait avec le lien personnel d’un établissement.'),
  otherEstablishment: (finess: string, campaign: string) =>
    new ApiError(403, 'forbidden', `Accès refusé : ce lien ne donne accès qu’aux dépôts de l’établissement ${finess} pour la campagne ${campaign}.`),
  regionForbidden: (region: string) => new ApiError(403, 'forbidden', `Accès refusé : la région ${region} ne fait pas partie de vos régions.`),
  badRequest: (detail: string) => new ApiError(400, 'bad-request', `Requête invalide : ${detail}.`),
  /** A text typed or chosen by a person is too long: said with what it is, never its field's code. */
  tooLong: (what: string, max: number) => new ApiError(400, 'too-long', `${what[0]!.toUpperCase()}${what.slice(1)} dépasse ${max} caractères : raccourcissez-le puis recommencez.`),
  unknownKind: (kind: string, known: readonly string[]) =>
    new ApiError(400, 'unknown-kind', `Type de document inconnu : « ${kind} ». Types acceptés : ${known.join(', ')}.`),
  fileTypeRefused: (fileName: string, detail: string) => new ApiError(400, 'file-type-refused', `Le fichier « ${fileName} » ne peut pas être déposé ici : ${detail}.`),
  fileTooLarge: (fileName: string, maxBytes: number) =>
    new ApiError(413, 'file-too-large', `Le fichier « ${fileName} » dépasse la taille maximale de ${megabytes(maxBytes)} pour ce type de document.`),
  emptyFile: (fileName: string) => new ApiError(400, 'empty-file', `Le fichier « ${fileName} » est vide.`),
  unknownEstablishment: (finess: string) => new ApiError(404, 'not-found', `L’établissement ${finess} n’est pas dans le référentiel.`),
  unknownContract: (contrat: string, region: string, year: number) =>
    new ApiError(404, 'not-found', `Aucun rapport d’auto-évaluation ${year} pour le contrat « ${contrat} » en région ${region} (aucun de ses établissements n’est ciblé).`),
  reportNotOpened: (message: string) => new ApiError(404, 'not-found', message),
  reportLocked: (message: string) => new ApiError(409, 'report-locked', message),
  reportConflict: (message: string) => new ApiError(409, 'conflict', message),
  reportIncomplete: (message: string, blockers: readonly string[]) => new ApiError(422, 'report-incomplete', message, {}, blockers),
  noSummary: (region: string, year: number) => new ApiError(404, 'not-found', `Aucune synthèse ${year} n’a encore été produite pour la région ${region}.`),
  notFound: () => new ApiError(404, 'not-found', 'Adresse inconnue.'),
  methodNotAllowed: () => new ApiError(405, 'method-not-allowed', 'Méthode non autorisée pour cette adresse.'),
  payloadTooLarge: () => new ApiError(413, 'payload-too-large', 'Requête trop volumineuse.'),
  internal: () =>
    new ApiError(500, 'internal', 'Erreur interne : réessayez dans quelques instants. Si le problème persiste, prévenez l’OMéDIT.'),
};
