import { LogFormatter, LogItem, type Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';

export const MASKED = '[masqué]';

/** Attribute names whose value is a secret whatever it looks like. */
const SECRET_NAME = /token|jeton|password|passwd|mot_?de_?passe|secret|authori[sz]ation|cookie|credential|signature|session/i;
const EMAIL = /[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
/**
 * A signed token (an optional version, payload and signature, base64url, dot-separated), as
 * personal links and JWTs are. Base64url parts mix both cases, which dates and hex do not.
 */
const SIGNED_TOKEN = /(?<![A-Za-z0-9_.-])(?:[A-Za-z0-9]{1,4}\.)?[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}(?:\.[A-Za-z0-9_-]{16,})?(?![A-Za-z0-9_-])/g;
/** The secret parts of a pre-signed URL or a link's fragment. */
const URL_SECRET = /([?&#](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|token|jeton)=)[^&#\s"']+/gi;
/** A random key or bearer credential: 32 bytes or more in base64url, a word of its own. */
const LONG_RANDOM = /(?<![A-Za-z0-9_./-])[A-Za-z0-9_-]{43,}(?![A-Za-z0-9_./-])/g;
const MIXED_CASE = /[a-z].*[A-Z]|[A-Z].*[a-z]/;

/** Masks a match that looks random (both cases in each dot-separated part), keeps one that does not. */
function maskRandom(match: string): string {
  return match.split('.').filter((part) => part.length >= 16).every((part) => MIXED_CASE.test(part)) ? MASKED : match;
}
const BEARER = /\b(Bearer|Basic)\s+[^\s"']+/gi;

/** A text with its e-mail addresses, tokens and URL secrets masked. */
export function redactText(text: string): string {
  return text
    .replace(URL_SECRET, `$1${MASKED}`)
    .replace(BEARER, `$1 ${MASKED}`)
    .replace(EMAIL, MASKED)
    .replace(SIGNED_TOKEN, maskRandom)
    .replace(LONG_RANDOM, maskRandom);
}

/**
 * A copy of a log attribute value without personal data or secrets: values under a secret's name
 * are masked, every text is cleaned, errors keep their name, message and stack (cleaned).
 */
export function redact(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circulaire]';
  seen.add(value);
  if (value instanceof Error) {
    return redact({ name: value.name, message: value.message, stack: value.stack, ...(value.cause !== undefined ? { cause: value.cause } : {}) }, seen);
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, seen));
  if (value instanceof Date) return value.toISOString();
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_NAME.test(k) && v !== null && v !== undefined && typeof v !== 'boolean' && typeof v !== 'number' ? MASKED : redact(v, seen)]));
}

/**
 * Powertools' JSON log format (the same keys as its default formatter), every attribute redacted
 * before it is printed: a log line is read by whoever reads CloudWatch, who must see neither a
 * hospital pharmacist's address nor a link that opens their upload page.
 */
export class RedactingLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    const base: LogAttributes = {
      level: attributes.logLevel,
      message: attributes.message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: attributes.lambdaContext?.coldStart,
      function_arn: attributes.lambdaContext?.invokedFunctionArn,
      function_memory_size: attributes.lambdaContext?.memoryLimitInMB,
      function_name: attributes.lambdaContext?.functionName,
      function_request_id: attributes.lambdaContext?.awsRequestId,
      sampling_rate: attributes.sampleRateValue,
      xray_trace_id: attributes.xRayTraceId,
    };
    return new LogItem({ attributes: redact({ ...base, ...additionalLogAttributes }) as LogAttributes });
  }
}

/** An error as the Lambda runtime will log it, its message and stack redacted, its cause dropped. */
export function redactedError(error: unknown): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const out = new Error(redactText(source.message));
  out.name = source.name;
  out.stack = source.stack === undefined ? undefined : redactText(source.stack);
  return out;
}

/**
 * A middy middleware for every handler: an error that escapes is logged (redacted) by the
 * runtime's logger, and what Lambda prints in its own error line is redacted too.
 */
export function redactErrors(logger: Pick<Logger, 'error'>): MiddlewareObj {
  return {
    onError: async (request) => {
      const error = redactedError(request.error);
      logger.error('invocation failed', { error });
      request.error = error;
    },
  };
}
