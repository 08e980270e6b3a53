import { describe, expect, it } from 'vitest';
import { accessLanesFrom, ConfigError, loadConfig } from './config.js';

/** CARREL_ACCESS_LANES (issue 23): the access log's lanes per library on PostgreSQL, an operator's setting. */
describe('CARREL_ACCESS_LANES', () => {
  it('is the default (null: 8 on PostgreSQL, one on SQLite) when unset or empty, else a whole number from 1 to 64', () => {
    expect(loadConfig({}).accessLanes).toBeNull();
    expect(loadConfig({ CARREL_ACCESS_LANES: ' ' }).accessLanes).toBeNull();
    expect(loadConfig({ CARREL_ACCESS_LANES: '1' }).accessLanes).toBe(1);
    expect(loadConfig({ CARREL_ACCESS_LANES: '64' }).accessLanes).toBe(64);
  });

  it('refuses anything else with CONFIG_INVALID, naming the variable (or the flag) and what it takes', () => {
    for (const value of ['0', '65', '-1', '2.5', 'eight', '8 lanes']) {
      expect(() => loadConfig({ CARREL_ACCESS_LANES: value }), value).toThrow(ConfigError);
      expect(() => loadConfig({ CARREL_ACCESS_LANES: value }), value).toThrow(/^CARREL_ACCESS_LANES is a whole number of lanes from 1 to 64/);
    }
    expect(() => accessLanesFrom('0', '--access-lanes')).toThrow(/^--access-lanes is a whole number/);
  });
});
