/**
 * Input validation helpers: every request body, query and mutation argument is `unknown` until a zod schema has
 * parsed it, and a failure is reported with the path of each offending field.
 */
import { z } from 'zod';

export interface FieldProblem {
  field: string;
  problem: string;
}

export function fieldProblems(error: z.ZodError, prefix = ''): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: formatPath(prefix, issue.path) || '(body)',
    problem: issue.message,
  }));
}

/** One line naming each offending field, e.g. `args.dueAt: Invalid ISO datetime; args.rule: Invalid option ...`. */
export function describeProblems(problems: readonly FieldProblem[]): string {
  const shown = problems.slice(0, 5).map((problem) => `${problem.field}: ${problem.problem}`);
  const more = problems.length > 5 ? ` (+${problems.length - 5} more)` : '';
  return `${shown.join('; ')}${more}`;
}

function formatPath(prefix: string, segments: readonly PropertyKey[]): string {
  let out = prefix;
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** Ids that clients generate (mutations, prompts, notes, handovers): printable, no spaces, at most 100 chars. */
export const clientIdentifier = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/, 'use only letters, digits and . _ : -');

export const isoInstant = z.iso.datetime({ offset: true });

export function boundedText(max: number): z.ZodString {
  return z.string().trim().min(1, 'must not be empty').max(max);
}
