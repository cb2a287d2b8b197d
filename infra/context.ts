import type { Construct } from 'constructs';
import * as logs from 'aws-cdk-lib/aws-logs';

/** A positive whole number of days from the CDK context (`-c key=…`), or the fallback. */
export function contextNumber(scope: Construct, key: string, fallback: number): number {
  const raw: unknown = scope.node.tryGetContext(key);
  if (raw === undefined || raw === null || raw === '') return fallback;
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    throw new Error(`context ${key} must be a positive integer number of days, got ${String(raw)}`);
  }
  return n;
}

/** A non-empty string from the CDK context, else undefined. */
export function contextString(scope: Construct, key: string): string | undefined {
  const raw: unknown = scope.node.tryGetContext(key);
  return typeof raw === 'string' && raw.length > 0 ? raw : undefined;
}

/** Maps a number of days to the CloudWatch Logs retention enum; only the values Logs accepts. */
export function toRetentionDays(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!allowed.includes(days)) {
    throw new Error(
      `context logRetentionDays=${days} is not a CloudWatch Logs retention; use one of ${allowed.join(', ')}`,
    );
  }
  return days as logs.RetentionDays;
}

/** The domain of an e-mail address (lower case), which SES must hold as a verified identity. */
export function emailDomain(email: string): string {
  const at = email.lastIndexOf('@');
  const domain = at >= 0 ? email.slice(at + 1) : '';
  if (!/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(domain)) {
    throw new Error(`senderEmail "${email}" has no usable domain`);
  }
  return domain.toLowerCase();
}
