import { Hash } from '@smithy/hash-node';
import type { HashConstructor } from '@smithy/types';

/**
 * SHA-256 (or HMAC-SHA-256 with a secret) on node:crypto, in the `Checksum`
 * shape `@smithy/signature-v4` takes: `new Sha256(secret?)`. The AWS SDKs'
 * own Node.js hash (`@smithy/hash-node`); the pure-JavaScript
 * `@aws-crypto/sha256-js` costs several times more CPU per SigV4 check.
 */
export const Sha256: HashConstructor = Hash.bind(null, 'sha256');
