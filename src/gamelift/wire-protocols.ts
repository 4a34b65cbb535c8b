import type { Request } from 'express';

/**
 * The two wire protocols of the GameLift endpoint, as far as routing goes:
 * which operation a request names. Both reach the same operation table
 * (`gamelift.operations.ts`); only the codecs differ (`aws-json.codec.ts`,
 * `rpcv2-cbor.codec.ts`).
 *
 * - AWS JSON 1.1: `POST /`, `X-Amz-Target: GameLift.<Operation>`.
 * - Smithy RPC v2 CBOR: `POST /service/GameLift/operation/<Operation>`,
 *   `Smithy-Protocol: rpc-v2-cbor` (the spec also allows the service's absolute
 *   shape id with `.` for `#`: `com.amazonaws.gamelift.GameLift`).
 */
export const TARGET_PREFIX = 'GameLift.';
export const RPC_V2_PREFIX = '/service/';
export const RPC_V2_SERVICE_NAMES: readonly string[] = ['GameLift', 'com.amazonaws.gamelift.GameLift'];
const RPC_V2_PATH = /^\/service\/([^/]+)\/operation\/([^/]+)$/;

export type WireProtocol = 'AWS JSON 1.1' | 'RPC v2 CBOR';

/** Any request under `/service/` is an RPC v2 request (and gets its error shape), whatever its headers say. */
export function isRpcV2Request(request: Pick<Request, 'path'>): boolean {
  return request.path.startsWith(RPC_V2_PREFIX);
}

export function protocolOf(request: Pick<Request, 'path'>): WireProtocol {
  return isRpcV2Request(request) ? 'RPC v2 CBOR' : 'AWS JSON 1.1';
}

/** The operation the request names in its protocol's way, or undefined (no name, or another service's). */
export function requestedOperation(request: Pick<Request, 'path' | 'headers'>): string | undefined {
  if (isRpcV2Request(request)) {
    const match = RPC_V2_PATH.exec(request.path);
    return match && RPC_V2_SERVICE_NAMES.includes(match[1]) ? match[2] : undefined;
  }
  const target = request.headers['x-amz-target'];
  return typeof target === 'string' && target.startsWith(TARGET_PREFIX)
    ? target.slice(TARGET_PREFIX.length)
    : undefined;
}

/** The message of the UnknownOperationException for a request that names no operation Joinery serves. */
export function unknownOperationMessage(request: Pick<Request, 'path' | 'headers'>): string {
  if (isRpcV2Request(request)) {
    const match = RPC_V2_PATH.exec(request.path);
    if (!match) return 'The path must be /service/GameLift/operation/<Operation>';
    if (!RPC_V2_SERVICE_NAMES.includes(match[1])) return `Unknown service ${match[1]}: this endpoint serves GameLift`;
    return `Unknown operation ${match[2]}`;
  }
  const target = request.headers['x-amz-target'];
  return typeof target === 'string' && target
    ? `Unknown operation ${target}`
    : 'Missing X-Amz-Target header: no operation named';
}
