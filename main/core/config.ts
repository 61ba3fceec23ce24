import { z } from 'zod';
import { readJsonFile } from './json-file';
import { describeIssues } from './validation';

/** The workstation's configuration: `config.json` in the data directory, overridable by flags and environment. */
export interface WorkstationConfig {
  /** Base URL of the central platform's API (without /api/v1), or null when not configured. */
  centralUrl: string | null;
  /** How often the connection is checked when no event stream tells us more (ms). */
  pollIntervalMs: number;
}

export const DEFAULT_POLL_INTERVAL_MS = 15_000;

const httpUrl = z
  .url()
  .refine((value) => /^https?:\/\//.test(value), { message: 'must be an http:// or https:// URL' })
  .transform((value) => value.replace(/\/+$/, ''));

const configFileSchema = z
  .object({
    centralUrl: httpUrl.optional(),
    pollIntervalSeconds: z.number().int().min(1).max(3600).optional(),
  })
  .strict();

export interface ConfigSources {
  /** Parsed config.json (unknown until validated), or undefined when there is none. */
  file: unknown;
  filePath: string;
  env: NodeJS.ProcessEnv;
  /** --central-url from the command line, if given. */
  centralUrlFlag?: string | undefined;
}

/** Resolves the configuration: flag > environment (DUTYDESK_CENTRAL_URL) > config.json > defaults. Throws a message naming the field. */
export function resolveConfig(sources: ConfigSources): WorkstationConfig {
  const parsedFile = configFileSchema.safeParse(sources.file ?? {});
  if (!parsedFile.success) throw new Error(describeIssues(parsedFile.error, sources.filePath));

  const pick = (value: string | undefined, origin: string): string | undefined => {
    if (value === undefined || value === '') return undefined;
    const parsed = httpUrl.safeParse(value);
    if (!parsed.success) throw new Error(describeIssues(parsed.error, origin));
    return parsed.data;
  };
  const centralUrl =
    pick(sources.centralUrlFlag, '--central-url') ??
    pick(sources.env.DUTYDESK_CENTRAL_URL, 'DUTYDESK_CENTRAL_URL') ??
    parsedFile.data.centralUrl ??
    null;
  return {
    centralUrl,
    pollIntervalMs: (parsedFile.data.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_MS / 1000) * 1000,
  };
}

export function loadConfig(
  filePath: string,
  env: NodeJS.ProcessEnv,
  centralUrlFlag?: string,
): WorkstationConfig {
  return resolveConfig({ file: readJsonFile(filePath), filePath, env, centralUrlFlag });
}
