/// <reference types="xrm" />
/**
 * The part of the `Xrm` global the web resources use. Handlers take it as a parameter
 * (defaulting to the page's `Xrm`), so tests pass a small fake and nothing reaches for globals.
 */
import type { WebApiLike } from '../../pcf-controls/shared/data';

export interface XrmLike {
  WebApi: WebApiLike;
  Navigation: Pick<Xrm.Navigation, 'openConfirmDialog' | 'openAlertDialog'>;
  Utility: { getGlobalContext(): { userSettings: { userId: string; roles: { get(): { id: string; name: string }[] } } } };
}

export const pageXrm = (): XrmLike => (globalThis as unknown as { Xrm: XrmLike }).Xrm;

export const bareId = (id: string) => id.replace(/[{}]/g, '').toLowerCase();
