/** What the AWS SDK throws, as far as a command needs to say it: its name, message and HTTP answer. */
interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'TimeoutError']);

/**
 * The French sentence for an AWS failure of a command that talks to a deployed stack (`caqes
 * replay`, for one): missing credentials, AWS unreachable, or a request AWS refused. Null for any
 * other error, which stays a bug to report with its stack.
 *
 * @example
 * awsFailure(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
 * // 'aucun identifiant AWS trouvé : …'
 */
export function awsFailure(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const e = error as SdkError;
  const detail = e.message ?? '';
  if (e.name === 'CredentialsProviderError') {
    return `aucun identifiant AWS trouvé : donnez un profil (AWS_PROFILE, aws configure ou aws sso login) ou les variables AWS_ACCESS_KEY_ID et AWS_SECRET_ACCESS_KEY du compte de la pile (${detail})`;
  }
  if (UNREACHABLE.has(e.code ?? '') || UNREACHABLE.has(e.name ?? '')) {
    return `AWS est injoignable depuis cette machine (${e.code ?? e.name}) : vérifiez la connexion et la région demandée (${detail})`;
  }
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return `AWS a refusé la demande (${e.name ?? 'erreur'}, HTTP ${status}) : ${detail}`;
  return null;
}
