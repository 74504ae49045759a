/**
 * What a renderer is: it writes a firm in one source's format into a folder and reports what
 * it wrote, so `generate` can write the manifest. Renderers stream: they hold one matter's
 * details at a time (`matterDetails`), never the whole firm's records.
 */
import type { DirtRule } from '../../model/quality';
import type { EntityName } from '../../model/keys';
import type { Firm } from '../firm';

export interface DirtyLabel {
  sourceKey: string;
  rule: DirtRule;
}

export interface CustomFieldTruth {
  sourceKey: string;
  name: string;
  parentType: 'matter' | 'contact';
  /** The Dynamics column this field belongs in (`table.column`), for testing the map proposer. */
  expectedTarget: string;
}

export interface UserTruth {
  sourceKey: string;
  name: string;
  /** The user's email in the firm (what the Dynamics systemuser would have). */
  email: string;
  /** False for users with no Dynamics user to map to (left the firm, never licensed). */
  inDynamics: boolean;
}

export interface RenderResult {
  /** Records written per entity, as the source's connector will count them when extracting. */
  counts: Partial<Record<EntityName, number>>;
  dirty: DirtyLabel[];
  customFields: CustomFieldTruth[];
  /** The source users written, and whether Dynamics has a user for them (owner resolution tests). */
  users?: UserTruth[];
  /** Keys the source format itself needs in manifest.json (Perfect Portal's package manifest). */
  packageManifest?: object;
}

export type Renderer = (firm: Firm, outDir: string) => Promise<RenderResult>;

/** Counts and dirt labels as a renderer writes records. */
export class RenderTally {
  readonly counts: Partial<Record<EntityName, number>> = {};
  readonly dirty: DirtyLabel[] = [];

  count(entity: EntityName, n = 1): void {
    this.counts[entity] = (this.counts[entity] ?? 0) + n;
  }

  /** Counts one record and labels it when it carries dirt. */
  record(entity: EntityName, sourceKey: string, dirt?: DirtRule | DirtRule[]): void {
    this.count(entity);
    for (const rule of dirt === undefined ? [] : Array.isArray(dirt) ? dirt : [dirt]) this.dirty.push({ sourceKey, rule });
  }

  result(customFields: CustomFieldTruth[]): RenderResult {
    const counts = Object.fromEntries(Object.entries(this.counts).sort(([a], [b]) => a.localeCompare(b)));
    return { counts, dirty: this.dirty, customFields };
  }
}
