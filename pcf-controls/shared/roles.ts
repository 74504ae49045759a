/**
 * The Migration Admin role, as the solution defines it: approve and roll back are shown to its
 * holders only. PCF gives the user's role ids; the solution's role ids are deterministic
 * (solution/src/ids.ts) and survive import, so the check needs no extra query.
 */
import { componentId } from '../../solution/src/ids';
import { ROLE_NAMES } from '../../solution/src/app/roles';

export const MIGRATION_ADMIN_ROLE = { id: componentId('role', ROLE_NAMES.admin), name: ROLE_NAMES.admin } as const;

const bare = (id: string) => id.replace(/[{}]/g, '').toLowerCase();

export function isMigrationAdmin(roles: readonly { id?: string; name?: string }[]): boolean {
  return roles.some((r) => (r.id !== undefined && bare(r.id) === MIGRATION_ADMIN_ROLE.id) || r.name === MIGRATION_ADMIN_ROLE.name);
}
