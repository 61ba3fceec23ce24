/**
 * Where a page's main thread spent its time: a V8 CPU profile (the Chrome DevTools Protocol's Profiler domain)
 * summed by self time per source, read through the bundle's source map, so that a slow figure can be put down
 * to ag-grid, React, the app's own modules, or the garbage collector.
 */
import fs from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';

/** The parts of a Profiler.Profile this summary reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  }[];
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  /** Sampled time in all, idle included (ms). */
  totalMs: number;
  /** Time not idle (ms). */
  busyMs: number;
  /** Self time by source, largest first: an npm package, an app module, or a V8 category such as (garbage collector). */
  bySource: { source: string; ms: number }[];
  /** Self time by function, largest first. */
  byFunction: { fn: string; ms: number }[];
}

/** The package a path inside node_modules belongs to (`@scope/name` or `name`), else the path from `renderer/`. */
function sourceLabel(original: string): string {
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(original);
  if (inModules?.[1]) return inModules[1];
  const app = /(renderer\/.*|preload\/.*)$/.exec(original);
  return app?.[1] ?? original;
}

/**
 * Sums a profile's samples by self time. `sourceMapFor(url)` gives the map of a script (null: none), through
 * which each frame is traced to its original file.
 */
export function summarizeProfile(
  profile: CpuProfile,
  sourceMapFor: (url: string) => SourceMap | null,
  top = 12,
): ProfileSummary {
  const selfMs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // timeDeltas[i] is the time before sample i; the time after it, until the next sample, is the sample's own.
  for (let i = 0; i < samples.length; i += 1) {
    const id = samples[i] as number;
    selfMs.set(id, (selfMs.get(id) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  }
  const bySource = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  for (const node of profile.nodes) {
    const ms = selfMs.get(node.id);
    if (ms === undefined) continue;
    totalMs += ms;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    if (functionName === '(idle)') idleMs += ms;
    let source: string;
    let fn: string;
    if (url === '') {
      source = functionName || '(anonymous)';
      fn = source;
    } else {
      // The profile's positions are 0-based; findOrigin takes 1-based ones.
      const origin = sourceMapFor(url)?.findOrigin(lineNumber + 1, columnNumber + 1);
      const original = origin && 'fileName' in origin ? origin : null;
      const file = (original?.fileName ?? url).replace(/^.*\//, '');
      source = original ? sourceLabel(original.fileName) : file;
      const line = original ? original.lineNumber : lineNumber + 1;
      fn = `${original?.name ?? (functionName || '(anonymous)')} (${source}, ${file}:${line})`;
    }
    bySource.set(source, (bySource.get(source) ?? 0) + ms);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
  }
  const largest = <K extends string>(map: Map<string, number>, key: K) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([name, ms]) => ({ [key]: name, ms: Math.round(ms * 10) / 10 }) as Record<K, string> & { ms: number },
      );
  return {
    totalMs: Math.round(totalMs),
    busyMs: Math.round(totalMs - idleMs),
    bySource: largest(bySource, 'source'),
    byFunction: largest(byFunction, 'fn'),
  };
}

/** A source map read from `file` (null when there is none or it does not parse). */
export function readSourceMap(file: string): SourceMap | null {
  try {
    return new SourceMap(JSON.parse(fs.readFileSync(file, 'utf8')) as SourceMapPayload);
  } catch {
    return null;
  }
}
