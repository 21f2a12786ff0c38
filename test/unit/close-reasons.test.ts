import { describe, expect, it } from 'vitest';
import { closeReasons, permissionDeniedReason } from '../../shared/protocol';

describe('I18N11: close frames carry codes, never sentences', () => {
  it('I18N11 every close reason is a snake_case code, listed once, and the permission-denied reason is one of them', () => {
    for (const reason of closeReasons) expect(reason).toMatch(/^[a-z]+(_[a-z]+)*$/);
    expect(new Set(closeReasons).size).toBe(closeReasons.length);
    expect(closeReasons).toContain(permissionDeniedReason);
  });
});
