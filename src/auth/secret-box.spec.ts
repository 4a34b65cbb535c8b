import { SecretBox } from './secret-box.js';

describe('SecretBox (AES-256-GCM)', () => {
  const box = new SecretBox('k'.repeat(32));

  it('round-trips a secret and never stores it in clear', () => {
    const sealed = box.seal('my secret', 'AKIA1');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('my secret');
    expect(box.seal('my secret', 'AKIA1')).not.toBe(sealed);
    expect(box.open(sealed, 'AKIA1')).toBe('my secret');
  });

  it('refuses another key, another context, or a damaged value', () => {
    const sealed = box.seal('my secret', 'AKIA1');
    expect(new SecretBox('z'.repeat(32)).open(sealed, 'AKIA1')).toBeUndefined();
    expect(box.open(sealed, 'AKIA2')).toBeUndefined();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(box.open(parts.join('.'), 'AKIA1')).toBeUndefined();
    expect(box.open('garbage', 'AKIA1')).toBeUndefined();
  });
});
