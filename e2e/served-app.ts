import { spawn, type ChildProcess } from 'node:child_process';

// Starting the app's Node processes and waiting for their ready line, shared by the e2e fixtures and the UI
// benchmark. It imports nothing of Playwright, so that the benchmark's bundle can use it.

/** A child process that printed its ready line. */
export interface ReadyProcess {
  /** The URL its ready line announced. */
  url: string;
  child: ChildProcess;
  /** The last lines the process wrote on stderr, for a report when it fails. */
  stderrTail: () => string;
}

/**
 * Runs `node script ...args` from `cwd` and waits until stdout matches `readyLine` (whose first group is the URL);
 * rejects with the end of its stderr when it exits first or is not ready within `timeoutMs`.
 */
export async function spawnUntilReady(options: {
  script: string;
  args: string[];
  cwd: string;
  readyLine: RegExp;
  /** Names the process in the error messages. */
  what: string;
  timeoutMs: number;
}): Promise<ReadyProcess> {
  const child = spawn(process.execPath, [options.script, ...options.args], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
  });
  const stderrTail = () => stderr.trim().split('\n').slice(-20).join('\n');
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `${options.what} did not start in ${String(options.timeoutMs / 1000)} s:\n${stderrTail()}`,
          ),
        ),
      options.timeoutMs,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = options.readyLine.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.what} exited with ${String(code)}:\n${stderrTail()}`));
    });
  });
  return { url, child, stderrTail };
}

/** Browser mode's ready line: its loopback URL with the session token. */
const serveReadyLine = /DutyDesk ready at (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/;

/** Starts browser mode (`serve.cjs`) on `dataDir` with `args` and waits for its ready line. */
export function spawnServe(options: {
  serveScript: string;
  cwd: string;
  dataDir: string;
  args: string[];
  timeoutMs: number;
}): Promise<ReadyProcess> {
  return spawnUntilReady({
    script: options.serveScript,
    args: ['--data-dir', options.dataDir, ...options.args],
    cwd: options.cwd,
    readyLine: serveReadyLine,
    what: 'browser mode',
    timeoutMs: options.timeoutMs,
  });
}

/** Ends a child process with SIGTERM and waits for it (no-op when it has ended already). */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
