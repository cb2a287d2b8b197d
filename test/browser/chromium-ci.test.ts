/** The browser tests may be skipped on a developer's machine without Chromium, never under CI. */
import { describe, expect, it, vi } from 'vitest';
import { requireChromiumUnderCi } from './chromium';

describe('a missing Chromium', () => {
  it('fails the run under CI instead of skipping the browser tests', () => {
    expect(() => requireChromiumUnderCi(false, { CI: 'true' })).toThrow(/Chromium is required under CI/);
  });

  it('skips them with a warning on a developer’s machine', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(requireChromiumUnderCi(false, {})).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('apt-get install -y chromium'));
    warn.mockRestore();
  });

  it('lets them run where it is installed', () => {
    expect(requireChromiumUnderCi(true, { CI: 'true' })).toBe(true);
  });
});
