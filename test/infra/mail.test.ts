import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, it } from 'vitest';
import { Mail } from '../../infra/mail.js';
import { partStack } from '../helpers/cdk.js';

describe('Mail', () => {
  const stack = partStack();
  new Mail(stack);
  const template = Template.fromStack(stack);

  it('requires TLS and suppresses bounced and complaining addresses', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
  });

  it('sends bounces and complaints to the feedback topic, under a key SES may use for this account only', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: { MatchingEventTypes: ['bounce', 'complaint'], SnsDestination: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue(), DisplayName: 'CAQES SES feedback' });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'SesPublishesFeedback',
            Principal: { Service: 'ses.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
          }),
        ]),
      },
    });
  });
});
