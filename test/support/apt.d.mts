export class ProvisionError extends Error {}
export function which(cmd: string): string | undefined;
export function debianPackageInstalled(pkg: string): boolean;
export function installCommand(packages: string[]): string;
export function ensureDebianPackages(
  packages: string[],
  opts?: { why?: string; log?: (message: string) => void },
): Promise<{ installed: string[] }>;
