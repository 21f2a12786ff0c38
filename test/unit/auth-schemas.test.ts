import { describe, expect, it } from 'vitest';
import { limits } from '../../shared/limits';
import { loginRequestSchema, signupRequestSchema, updateMeRequestSchema, userColors } from '../../shared/schemas/auth';

function contrastWithWhite(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (luminance + 0.05);
}

describe('auth schemas', () => {
  it('AUTH1: signup trims and lower-cases the email and enforces the password and name limits', () => {
    const ok = signupRequestSchema.parse({ email: '  Ana.Rossi@Comune.Bologna.IT ', password: 'x'.repeat(limits.passwordMinChars), name: ' Ana ' });
    expect(ok).toEqual({ email: 'ana.rossi@comune.bologna.it', password: 'x'.repeat(limits.passwordMinChars), name: 'Ana' });
    const bad = [
      { email: 'not-an-email', password: 'long enough pw', name: 'A' },
      { email: 'a@b.eu', password: 'x'.repeat(limits.passwordMinChars - 1), name: 'A' },
      { email: 'a@b.eu', password: 'x'.repeat(limits.passwordMaxChars + 1), name: 'A' },
      { email: 'a@b.eu', password: 'long enough pw', name: '   ' },
      { email: `${'a'.repeat(limits.emailMaxChars)}@b.eu`, password: 'long enough pw', name: 'A' },
      { email: 'a@b.eu', password: 'long enough pw', name: 'A', locale: 'de' },
    ];
    for (const body of bad) expect(signupRequestSchema.safeParse(body).success, JSON.stringify(body).slice(0, 80)).toBe(false);
  });

  it('AUTH8: login accepts any non-empty password, so a short guess is a wrong password, not a 400', () => {
    expect(loginRequestSchema.safeParse({ email: 'A@B.EU', password: 'x' }).data).toEqual({ email: 'a@b.eu', password: 'x' });
    expect(loginRequestSchema.safeParse({ email: 'a@b.eu', password: '' }).success).toBe(false);
  });

  it('AUTH11: a profile update takes a known locale and nothing else', () => {
    expect(updateMeRequestSchema.parse({ locale: 'fi' })).toEqual({ locale: 'fi' });
    expect(updateMeRequestSchema.safeParse({ locale: 'xx' }).success).toBe(false);
    expect(updateMeRequestSchema.safeParse({ email: 'x@y.eu' }).success).toBe(false);
  });

  it('AUTH1: every user colour carries white text at WCAG AA contrast (4.5:1)', () => {
    expect(userColors.length).toBeGreaterThanOrEqual(8);
    for (const color of userColors) expect(contrastWithWhite(color), color).toBeGreaterThanOrEqual(4.5);
  });
});
