import { SignatureV4 } from '@smithy/signature-v4';
import { randomBytes, randomInt } from 'node:crypto';
import { Sha256 } from '../../src/common/sha256.js';
import type { HttpTarget, JsonResponse, Recorder } from './load.js';
import { errorKey } from './load.js';

const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The access key the bench bootstraps (BOOTSTRAP_ACCESS_KEY_*), new for each run: the service runs with
 * NODE_ENV=production, which refuses the documented development key.
 */
export const BENCH_ACCESS_KEY = {
  accessKeyId: `AKIA${Array.from({ length: 16 }, () => KEY_ID_ALPHABET[randomInt(KEY_ID_ALPHABET.length)]).join('')}`,
  secretAccessKey: randomBytes(30).toString('base64'),
};

/** GameLift's AWS JSON 1.1 protocol: `POST /`, `X-Amz-Target: GameLift.<Operation>`, signed with SigV4. */
export class GameLiftTarget {
  private readonly signer = new SignatureV4({
    service: 'gamelift',
    region: 'us-east-1',
    credentials: BENCH_ACCESS_KEY,
    sha256: Sha256,
  });
  private readonly url: URL;

  constructor(
    private readonly http: HttpTarget,
    origin: string,
  ) {
    this.url = new URL(origin);
  }

  async call<T = any>(operation: string, input: unknown): Promise<JsonResponse<T>> {
    const body = JSON.stringify(input);
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: Number(this.url.port),
      path: '/',
      headers: {
        host: this.url.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `GameLift.${operation}`,
      },
      body,
    });
    return this.http.request<T>('POST', '/', { headers: signed.headers, rawBody: body });
  }

  /** A timed call (signing included, as a client's SDK does it), from `dueAt` when given (an open loop's schedule). */
  async timed<T = any>(recorder: Recorder, kind: string, operation: string, input: unknown, dueAt?: number) {
    const done = recorder.start(kind, dueAt);
    try {
      const response = await this.call<T>(operation, input);
      done(response.status === 200 ? undefined : errorKey(response));
      return response;
    } catch (error) {
      done(`network ${(error as { code?: string }).code ?? (error as Error).name}`);
      return undefined;
    }
  }
}
