import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/**
 * The SES configuration set the reminders are sent with, and the encrypted topic its bounces and
 * complaints go to (the feedback function subscribes to it, infra/functions.ts).
 *
 * @example
 * const mail = new Mail(stack);
 * mail.configurationSet.configurationSetName;
 */
export class Mail {
  readonly configurationSet: ses.ConfigurationSet;
  readonly feedbackTopic: sns.Topic;

  constructor(scope: Construct) {
    this.configurationSet = new ses.ConfigurationSet(scope, 'ReminderConfigurationSet', {
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    // The topic is encrypted with a key of our own: SES cannot publish to a topic under the
    // AWS-managed SNS key.
    const feedbackKey = new kms.Key(scope, 'FeedbackTopicKey', {
      description: 'CAQES: encrypts the SES bounce and complaint notifications',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    feedbackKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SesPublishesFeedback',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
      }),
    );
    this.feedbackTopic = new sns.Topic(scope, 'FeedbackTopic', { masterKey: feedbackKey, enforceSSL: true, displayName: 'CAQES SES feedback' });
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: ses.EventDestination.snsTopic(this.feedbackTopic),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
  }
}
