/**
 * PCF context → the plain values the components take. The only place (with each control's
 * index.ts) that knows ComponentFramework.
 */
import { dataFromWebApi, type CurrentUser, type LexData, type WebApiLike } from './data';
import { labelFrom, type Label } from './labels';
import { isMigrationAdmin } from './roles';

/** The form's table and row id (PCF exposes them on `context.mode.contextInfo`, undocumented in the typings). */
export function formRecord(context: ComponentFramework.Context<unknown>): { table: string; id: string } {
  const info = (context.mode as unknown as { contextInfo?: { entityTypeName?: string; entityId?: string } }).contextInfo ?? {};
  return { table: info.entityTypeName ?? '', id: info.entityId ?? '' };
}

export function currentUser(context: ComponentFramework.Context<unknown>): CurrentUser & { isMigrationAdmin: boolean } {
  const settings = context.userSettings;
  return {
    id: settings.userId.replace(/[{}]/g, ''),
    name: settings.userName,
    // PCF gives no email: the components read it from the user's systemuser row when they write (userEmail).
    email: '',
    roles: settings.securityRoles,
    isMigrationAdmin: isMigrationAdmin(settings.securityRoles.map((id) => ({ id }))),
  };
}

export const contextData = (context: ComponentFramework.Context<unknown>): LexData => dataFromWebApi(context.webAPI as unknown as WebApiLike);

export const contextLabel = (context: ComponentFramework.Context<unknown>): Label => labelFrom((key) => context.resources.getString(key));
