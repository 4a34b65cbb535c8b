import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Credentials, devCredentials, REGION } from './gamelift.js';

/** The Python interpreter that runs boto3/botocore (`PYTHON` overrides `python3` on the PATH). */
export const PYTHON = process.env.PYTHON ?? 'python3';
const SCRIPT = fileURLToPath(new URL('./gamelift_botocore.py', import.meta.url));

export type BotocoreProtocol = 'cbor' | 'json';

/** What went over the wire, as botocore's own hooks saw it. */
export interface BotocoreWire {
  request?: { method: string; url: string; headers: Record<string, string>; bodyBase64: string };
  response?: { status: number; headers: Record<string, string>; protocol: string; parser: string };
}

export type BotocoreResult =
  | { ok: true; output: any; wire: BotocoreWire }
  | { ok: false; error: { code: string; message: string; status?: number; class: string }; wire?: BotocoreWire };

export interface BotocoreCallOptions {
  protocol?: BotocoreProtocol;
  credentials?: Credentials;
  region?: string;
  /** Signs as if the clock were this many seconds ahead. */
  skewSeconds?: number;
}

/**
 * boto3 1.43's botocore (`test/clients/gamelift_botocore.py`) as a GameLift
 * client: one long-lived Python process, one JSON line per call. The CBOR
 * client is botocore with `smithy-rpc-v2-cbor` first in its protocol
 * priority; every answer is decoded by botocore's own parser.
 *
 * No Python, no botocore, or a botocore without RPC v2 CBOR is a failure with
 * a message saying so, never a skipped test.
 */
export class BotocoreClient {
  private readonly waiting = new Map<number, (answer: any) => void>();
  private nextId = 1;
  private stderr = '';

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: Interface,
    readonly versions: { botocore: string; python: string },
  ) {
    lines.on('line', (line) => {
      const answer = JSON.parse(line) as { id: number };
      this.waiting.get(answer.id)?.(answer);
      this.waiting.delete(answer.id);
    });
    child.stderr.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)));
    child.on('exit', () => {
      for (const resolve of this.waiting.values()) resolve({ ok: false, crash: `python exited: ${this.stderr}` });
      this.waiting.clear();
    });
  }

  static async start(baseUrl: string, credentials: Credentials = devCredentials): Promise<BotocoreClient> {
    const child = spawn(PYTHON, [SCRIPT, baseUrl, REGION, credentials.accessKeyId, credentials.secretAccessKey], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PYTHONUNBUFFERED: '1',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
    });
    const lines = createInterface({ input: child.stdout });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const first = await new Promise<string>((resolve, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new Error(
            error.code === 'ENOENT'
              ? `${PYTHON} not found: the GameLift CBOR tests run boto3/botocore >= 1.43 under Python 3 ` +
                  '(set PYTHON to another interpreter; see docs/gamelift.md)'
              : `cannot start ${PYTHON}: ${error.message}`,
          ),
        ),
      );
      child.once('exit', (code) => reject(new Error(`${PYTHON} ${SCRIPT} exited with ${code}: ${stderr}`)));
      lines.once('line', resolve);
    });
    const hello = JSON.parse(first) as { ready?: boolean; fatal?: string; botocore: string; python: string };
    if (!hello.ready) {
      child.kill();
      throw new Error(`boto3/botocore >= 1.43 with RPC v2 CBOR is required for these tests: ${hello.fatal ?? first}`);
    }
    child.removeAllListeners('exit');
    return new BotocoreClient(child, lines, { botocore: hello.botocore, python: hello.python });
  }

  /** Calls a botocore client method (snake_case, e.g. `create_game_session`). */
  call(op: string, params: Record<string, unknown> = {}, options: BotocoreCallOptions = {}): Promise<BotocoreResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (answer: BotocoreResult & { crash?: string; trace?: string }) => {
        if (answer.crash) reject(new Error(`botocore crashed on ${op}: ${answer.crash}\n${answer.trace ?? ''}`));
        else resolve(answer);
      });
      this.child.stdin.write(
        `${JSON.stringify({ id, op, params, protocol: options.protocol ?? 'cbor', ...options })}\n`,
      );
    });
  }

  /** The output of a call that must succeed. */
  async ok(op: string, params: Record<string, unknown> = {}, options: BotocoreCallOptions = {}): Promise<any> {
    const result = await this.call(op, params, options);
    if (!result.ok) throw new Error(`${op} failed: ${result.error.code}: ${result.error.message}`);
    return result.output;
  }

  /** The error code of a call ('ok' when it succeeded). */
  async outcome(op: string, params: Record<string, unknown> = {}, options: BotocoreCallOptions = {}): Promise<string> {
    const result = await this.call(op, params, options);
    return result.ok ? 'ok' : result.error.code;
  }

  async close(): Promise<void> {
    this.lines.close();
    this.child.stdin.end();
    if (this.child.exitCode === null) await new Promise((resolve) => this.child.once('exit', resolve));
  }
}
