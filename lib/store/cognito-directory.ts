import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminResetUserPasswordCommand,
  AdminUserGlobalSignOutCommand,
  GetGroupCommand,
  ListUsersCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { apiErrors } from '../portal/errors';
import { AccountEmail, cognitoGroups, roleOfGroups, type AccountDirectory, type AccountView, type NewAccount } from './account-store';

function named(error: unknown, name: string): boolean {
  return (error as { name?: string })?.name === name;
}

function attribute(attributes: readonly AttributeType[] | undefined, name: string): string | undefined {
  return attributes?.find((a) => a.Name === name)?.Value;
}

/**
 * Staff accounts on AWS: the users of the Cognito user pool, their role and regions given by their
 * groups (`omedit-PACA`, `admin`…). Cognito keeps the passwords and the MFA, e-mails the temporary
 * password of a new account, and the code of a reset.
 */
export class CognitoDirectory implements AccountDirectory {
  readonly kind = 'cognito' as const;

  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  private async groupsOf(username: string): Promise<string[]> {
    const groups: string[] = [];
    let next: string | undefined;
    do {
      const page = await this.client.send(new AdminListGroupsForUserCommand({ UserPoolId: this.userPoolId, Username: username, NextToken: next }));
      for (const g of page.Groups ?? []) if (g.GroupName) groups.push(g.GroupName);
      next = page.NextToken;
    } while (next);
    return groups;
  }

  private async view(username: string, email: string | undefined, enabled: boolean | undefined, created: Date | undefined): Promise<AccountView> {
    const role = roleOfGroups(await this.groupsOf(username));
    return {
      email: email ?? username,
      role: typeof role === 'string' ? null : role.role,
      regions: typeof role === 'string' ? [] : role.regions,
      status: enabled === false ? 'disabled' : 'active',
      createdAt: created?.toISOString() ?? null,
    };
  }

  private async get(email: string): Promise<AccountView | null> {
    try {
      const user = await this.client.send(new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: email }));
      return await this.view(user.Username ?? email, attribute(user.UserAttributes, 'email'), user.Enabled, user.UserCreateDate);
    } catch (error) {
      if (named(error, 'UserNotFoundException')) return null;
      throw error;
    }
  }

  async list(): Promise<AccountView[]> {
    const accounts: AccountView[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListUsersCommand({ UserPoolId: this.userPoolId, PaginationToken: token }));
      for (const user of page.Users ?? []) {
        if (user.Username) accounts.push(await this.view(user.Username, attribute(user.Attributes, 'email'), user.Enabled, user.UserCreateDate));
      }
      token = page.PaginationToken;
    } while (token);
    return accounts.sort((a, b) => a.email.localeCompare(b.email));
  }

  /** The user name is the e-mail address: what the audit log and the page show of the account. */
  async create(account: NewAccount): Promise<{ account: AccountView; temporaryPassword: null } | null> {
    const email = AccountEmail.parse(account.email);
    // Groups exist only for the regions the stack was deployed with: an account for any other region is refused before it exists.
    for (const group of cognitoGroups(account.role, account.regions)) {
      try {
        await this.client.send(new GetGroupCommand({ UserPoolId: this.userPoolId, GroupName: group }));
      } catch (error) {
        if (!named(error, 'ResourceNotFoundException')) throw error;
        throw apiErrors.badRequest(`la région « ${group.slice(group.indexOf('-') + 1)} » n’existe pas sur cette plateforme (ajoutez-la au déploiement : -c regions=…)`);
      }
    }
    try {
      await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: email,
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
          ],
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
    } catch (error) {
      if (named(error, 'UsernameExistsException')) return null;
      throw error;
    }
    for (const group of cognitoGroups(account.role, account.regions)) {
      await this.client.send(new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: email, GroupName: group }));
    }
    return { account: (await this.get(email))!, temporaryPassword: null };
  }

  /** Disables the user and signs it out everywhere (its refresh tokens stop working at once). */
  async disable(email: string): Promise<{ before: AccountView; after: AccountView } | null> {
    const before = await this.get(email);
    if (!before) return null;
    await this.client.send(new AdminDisableUserCommand({ UserPoolId: this.userPoolId, Username: email }));
    await this.client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: this.userPoolId, Username: email }));
    return { before, after: { ...before, status: 'disabled' } };
  }

  /** Cognito e-mails a code; the user chooses a new password at its next sign-in. */
  async resetPassword(email: string): Promise<{ account: AccountView; temporaryPassword: null } | null> {
    const account = await this.get(email);
    if (!account) return null;
    await this.client.send(new AdminResetUserPasswordCommand({ UserPoolId: this.userPoolId, Username: email }));
    return { account, temporaryPassword: null };
  }
}
