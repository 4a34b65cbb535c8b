import { Sha256 } from '@aws-crypto/sha256-js';
import { Sha256 as NodeSha256 } from './sha256.js';

async function both(secret: string | Uint8Array | undefined, parts: (string | Uint8Array)[]) {
  const node = new NodeSha256(secret);
  const js = new Sha256(secret);
  for (const part of parts) {
    node.update(part);
    js.update(part);
  }
  return [Buffer.from(await node.digest()).toString('hex'), Buffer.from(await js.digest()).toString('hex')];
}

describe('Sha256 (@smithy/hash-node)', () => {
  it('hashes like @aws-crypto/sha256-js', async () => {
    const [node, js] = await both(undefined, ['GET\n/\n', new Uint8Array([1, 2, 3]), 'é']);
    expect(node).toBe(js);
    expect(node).toHaveLength(64);
  });

  it('computes the same HMACs, with string and byte keys', async () => {
    for (const secret of ['AWS4secret', new Uint8Array([9, 8, 7, 6])]) {
      const [node, js] = await both(secret, ['20261122', new Uint8Array(Buffer.from('us-east-1'))]);
      expect(node).toBe(js);
    }
  });

  it('computes HMAC-SHA-256 with a secret (RFC 2104 example)', async () => {
    const hmac = new NodeSha256('key');
    hmac.update('The quick brown fox jumps over the lazy dog');
    expect(Buffer.from(await hmac.digest()).toString('hex')).toBe(
      'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });
});
