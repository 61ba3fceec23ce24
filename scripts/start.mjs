// `npm start`: builds, then opens DutyDesk on the embedded demo (or, with `-- --central-url <url>`, on a real
// central platform) in the desktop window where Electron's runtime is installed or can be fetched, and in
// browser mode otherwise. Every decision is in start-plan.ts (tested); this file only runs processes.
//
// Electron's runtime is not in its npm package: node_modules/electron/install.js downloads it from GitHub,
// and package.json's allowScripts keeps npm from running that at install time. Networks that cannot reach
// GitHub point it to a mirror with ELECTRON_MIRROR (and ELECTRON_CUSTOM_DIR when the mirror names its
// folders differently), for example `ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/ npm start`.
// https://www.electronjs.org/docs/latest/tutorial/installation#mirror
import { transform } from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// start-plan.ts is TypeScript so that its tests and e2e/electron.spec.ts are type-checked against it. Node 22.12
// cannot import TypeScript, so esbuild (the build's own bundler) strips the types and Node imports the result.
const planFile = path.join(import.meta.dirname, 'start-plan.ts');
const { code: planCode } = await transform(fs.readFileSync(planFile, 'utf8'), {
  loader: 'ts',
  format: 'esm',
  sourcefile: planFile,
});
const plan = await import(`data:text/javascript;base64,${Buffer.from(planCode).toString('base64')}`);

const root = path.resolve(import.meta.dirname, '..');
const electronDir = path.join(root, 'node_modules', 'electron');
const userArgs = process.argv.slice(2);
const host = { platform: process.platform, isRoot: process.getuid?.() === 0 };
// The child gets its own process group on POSIX, so Ctrl-C reaches it once, through us: npm and the
// terminal both deliver it to us, and Electron has "one shot at graceful shutdown", a second SIGINT kills it
// (https://github.com/electron/electron/blob/main/shell/browser/electron_browser_main_parts_posix.cc).
const ownProcessGroup = process.platform !== 'win32';

function findElectron() {
  return plan.electronExecutable({
    electronDir,
    env: process.env,
    exists: fs.existsSync,
    readText: (file) => fs.readFileSync(file, 'utf8'),
  });
}

async function isReachable(url) {
  try {
    await fetch(url, {
      method: 'HEAD',
      redirect: 'manual',
      signal: AbortSignal.timeout(plan.DOWNLOAD_PROBE_TIMEOUT_MS),
    });
    return true;
  } catch {
    return false;
  }
}

/** Runs Electron's own installer when its mirror answers; its output stays hidden, the caller says what happened. */
async function downloadElectron() {
  const probe = plan.downloadProbeUrl(process.env);
  if (probe !== null && !(await isReachable(probe))) return;
  console.log("Downloading Electron's desktop runtime (about 100 MB)...");
  spawnSync(process.execPath, [path.join(electronDir, 'install.js')], {
    cwd: electronDir,
    stdio: 'ignore',
    timeout: plan.INSTALL_TIMEOUT_MS,
  });
}

function superviseChild(child) {
  let forwardedAt = 0;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      // The same Ctrl-C arrives twice within milliseconds (see ownProcessGroup); a later one is the operator insisting.
      if (Date.now() - forwardedAt < 2_000) return;
      forwardedAt = Date.now();
      child.kill(signal);
    });
  }
  child.on('error', (error) => {
    console.error(`DutyDesk could not start: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(plan.exitCodeOf(code, signal, os.constants.signals)));
}

function openInBrowser(url) {
  const next = plan.browserPlan({
    url,
    platform: host.platform,
    env: process.env,
    isRoot: host.isRoot,
    exists: fs.existsSync,
  });
  if (next.kind === 'message') console.log(next.message);
  if (next.kind !== 'open') return;
  const browser = spawn(next.command, next.args, { detached: true, stdio: 'ignore' });
  browser.on('error', () =>
    console.log(`${path.basename(next.command)} did not start: open the URL printed above.`),
  );
  browser.unref();
}

function startBrowserMode() {
  const child = spawn(
    process.execPath,
    [path.join(root, 'dist', 'node', 'serve.cjs'), ...plan.appArgs(userArgs)],
    {
      cwd: root,
      env: plan.appProcessEnv(process.env, host.platform),
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: ownProcessGroup,
    },
  );
  superviseChild(child);
  let seen = '';
  let opened = false;
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    if (opened) return;
    seen = (seen + chunk.toString()).slice(-4096);
    const url = plan.readyUrl(seen);
    if (url === null) return;
    opened = true;
    openInBrowser(url);
  });
}

const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

let electronPath = findElectron();
if (electronPath === null) {
  await downloadElectron();
  electronPath = findElectron();
}
const decision = plan.startDecision({
  electronPath,
  userArgs,
  platform: host.platform,
  env: process.env,
  isRoot: host.isRoot,
});
if (decision.mode === 'electron') {
  superviseChild(
    spawn(decision.command, decision.args, {
      cwd: root,
      env: decision.env,
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: ownProcessGroup,
    }),
  );
} else {
  console.log(decision.message);
  startBrowserMode();
}
