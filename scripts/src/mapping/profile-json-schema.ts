/**
 * The published JSON Schema of a mapping profile (`profiles/profile.schema.json`), generated
 * from the zod schema so the two cannot drift. It describes the file as a person writes it
 * (the input side: fields with defaults are optional).
 */
import { z } from 'zod';
import { profileSchema } from './profile';

export function profileJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(profileSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    ...generated,
    $id: 'https://lexbridge.example/schemas/mapping-profile.json',
    title: 'Lexbridge mapping profile',
    description: 'A versioned field map from one practice-management source to Dynamics 365 Sales. See docs/mapping.md.',
  };
}

/** Files as written to disk: two-space JSON and a final newline. */
export function toJsonFile(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
