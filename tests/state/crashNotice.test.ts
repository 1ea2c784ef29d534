import { describe, expect, it } from 'vitest';
import { crashNotice } from '../../src/state/engineContext';

describe('crashNotice', () => {
  it('quotes the worker’s error once and says the worker restarted with the settings kept', () => {
    expect(crashNotice('the engine stopped unexpectedly (Uncaught Error: boom (test hook))')).toBe(
      'The engine worker crashed (Uncaught Error: boom (test hook)). It was restarted with your settings kept; results are being recomputed.',
    );
  });

  it('tells the user to reload when the client gave up restarting', () => {
    expect(crashNotice('the engine keeps failing and was not restarted again (error)')).toMatch(
      /crashed repeatedly and was stopped \(error\)\. Reload the page/,
    );
  });

  it('says a silent or stuck worker stopped answering, not that it crashed', () => {
    const notice = crashNotice('the engine stopped unexpectedly (no answer for 45 s)');
    expect(notice).toMatch(/stopped answering \(no answer for 45 s/);
    expect(notice).toMatch(/restarted with your settings kept/);
    expect(notice).not.toMatch(/crashed/);
  });
});
