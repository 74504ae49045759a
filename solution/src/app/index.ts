/** The app layer of the solution — forms, views, roles, the model-driven app — built from the schema. */
import type { SolutionSchema } from '../schema/types';
import { buildApp } from './app';
import { buildForms } from './forms';
import { buildRoles } from './roles';
import type { AppComponents } from './types';
import { buildViews } from './views';

export function buildAppComponents(schema: SolutionSchema): AppComponents {
  const roles = buildRoles(schema);
  return { forms: buildForms(schema), views: buildViews(schema), roles, app: buildApp(schema, roles) };
}

export * from './types';
export { APP_UNIQUE_NAME } from './app';
export { ROLE_NAMES } from './roles';
