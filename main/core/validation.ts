import type { z } from 'zod';

/**
 * Turns a zod failure into one line that names each offending field, e.g.
 * `setPreferences: args[0].theme: Invalid option: expected one of "dark"|"light"`.
 */
export function describeIssues(error: z.ZodError, context: string): string {
  const parts = error.issues.slice(0, 5).map((issue) => {
    const where = issue.path.length === 0 ? '(root)' : formatPath(issue.path);
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length > 5 ? ` (+${error.issues.length - 5} more)` : '';
  return `${context}: ${parts.join('; ')}${more}`;
}

function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}
