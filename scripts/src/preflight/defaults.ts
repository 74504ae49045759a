/** Dataverse's default `organization.maxuploadfilesize`: 5 MB, compared with the Base64 size (reference/notes/solution-format.md §6). */
export const DEFAULT_MAX_UPLOAD_BYTES = 5_242_880;
