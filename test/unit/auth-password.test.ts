import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../server/auth/password';

describe('password hashing', () => {
  it('AUTH5: hashes with scrypt at OWASP parameters (N=2^17, r=8, p=1), a 16-byte salt and a 64-byte key', async () => {
    const password = 'correct horse battery staple';
    const hash = await hashPassword(password);
    const parts = hash.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', '17', '8', '1']);
    expect(Buffer.from(parts[4] ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[5] ?? '', 'base64')).toHaveLength(64);
    expect(hash).not.toContain(password);
    expect(await verifyPassword(password, hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', hash)).toBe(false);
  });

  it('AUTH5: the same password hashes differently each time (random salt)', async () => {
    const [a, b] = await Promise.all([hashPassword('same password!'), hashPassword('same password!')]);
    expect(a).not.toBe(b);
  });

  it('AUTH5: a malformed or foreign hash never verifies', async () => {
    expect(await verifyPassword('x', '')).toBe(false);
    expect(await verifyPassword('x', 'x')).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$2b$10$abc')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$40$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==')).toBe(false);
  });
});
