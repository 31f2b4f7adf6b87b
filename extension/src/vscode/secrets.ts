import type * as vscode from 'vscode';

/** Passwords live only in VS Code's SecretStorage, keyed by connection name; never in settings or logs. */
export class PasswordStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  private key(connection: string): string {
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
