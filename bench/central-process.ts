/** The reference central server as a child process of a benchmark, so its CPU and memory are not the client's. */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';

export interface CentralProcess {
  url: string;
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** From spawn to the ready line: mostly the district's generation. */
  seconds: number;
  /** What the server wrote on stderr (its generation report), also passed through to ours. */
  report: string;
}

export async function startCentralProcess(options: {
  distDir: string;
  seed: string;
  alerts: number;
  dataDir: string;
  testAdmin?: boolean;
}): Promise<CentralProcess> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      path.join(options.distDir, 'node', 'central.cjs'),
      '--port',
      '0',
      '--seed',
      options.seed,
      '--alerts',
      String(options.alerts),
      ...(options.testAdmin ? ['--test-admin'] : []),
      '--data-dir',
      options.dataDir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let report = '';
  child.stderr.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    report += text;
    process.stderr.write(text);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /central ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the central server exited with ${String(code)}`)));
  });
  return { url, child, seconds: (performance.now() - started) / 1000, report: report.trim() };
}
