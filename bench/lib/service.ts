import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServiceProcess {
  url: string;
  pid: number;
  logFile: string;
  /** SIGTERM, then waits for the cluster to exit (SIGKILL after `timeoutMs`). Resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
}

export interface ServiceOptions {
  /** Repository root (holds the compiled `dist/`). */
  root: string;
  /** The script, relative to the root: `dist/src/cluster.js` (the default) or the bare server. */
  script?: string;
  /** The line that says every worker listens, with the URL in its second group. */
  ready?: RegExp;
  env: Record<string, string>;
  logFile: string;
  /** Node flags for the primary, inherited by the workers (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  startTimeoutMs?: number;
}

const READY = /Joinery cluster: (\d+) workers listening on (http:\/\/\S+)/;
/** What bench/bare-server.ts prints when its workers listen. */
export const BARE_READY = /bare server: (\d+) workers on (http:\/\/\S+)/;

/**
 * Starts `node dist/src/cluster.js` (the compiled service, one worker per
 * `WEB_CONCURRENCY`), or another cluster script, as a child process with its
 * output in `logFile`, and waits for every worker to listen.
 */
export async function startService(options: ServiceOptions): Promise<ServiceProcess> {
  const fd = openSync(options.logFile, 'a');
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), join(options.root, options.script ?? 'dist/src/cluster.js')],
    {
      cwd: options.root,
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', fd, fd],
    },
  );
  closeSync(fd);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve((exitCode = code))));

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  let url: string | undefined;
  while (!url) {
    if (exitCode !== undefined || Date.now() > deadline) {
      if (exitCode === undefined) child.kill('SIGKILL');
      const tail = readFileSync(options.logFile, 'utf8').split('\n').slice(-30).join('\n');
      throw new Error(`${options.script ?? 'the service'} did not start (exit ${String(exitCode)}):\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    url = (options.ready ?? READY).exec(readFileSync(options.logFile, 'utf8'))?.[2];
  }

  return {
    url,
    pid: child.pid!,
    logFile: options.logFile,
    stop: async (timeoutMs = 30_000) => {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
