import type * as vscode from 'vscode';

/** Passwords live only in VS Code's SecretStorage, keyed by connection name; never in settings or logs. */
export class PasswordStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  protected key(connection: string): string {
    return `starface.password:${connection}`;
  }

  get(connection: string): Thenable<string | undefined> {
    return this.secrets.get(this.key(connection));
  }
  store(connection: string, password: string): Thenable<void> {
    return this.secrets.store(this.key(connection), password);
  }
  delete(connection: string): Thenable<void> {
    return this.secrets.delete(this.key(connection));
  }
}

/**
 * STARFACE 10's OAuth client secrets (the PBX's, shown in its admin UI under Server › Status › REST-API), keyed by
 * connection name like the passwords; never in settings or logs.
 */
export class ClientSecretStore extends PasswordStore {
  protected override key(connection: string): string {
    return `starface.oauthClientSecret:${connection}`;
  }
}
