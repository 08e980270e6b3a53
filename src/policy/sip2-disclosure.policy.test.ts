import { describe, expect, it } from 'vitest';
import { SIP2_ACCOUNT_KINDS, SIP2_PATRON_FIELDS } from '../domain/sip2.js';
import { DEFAULT_VENDOR_RULE, KIND_FIELDS, mayDisclose, maySend, settingsBeyondKind } from './sip2-disclosure.policy.js';

const NEVER = ['contact-details', 'birth-date', 'full-name', 'past-loans', 'hold-patron'] as const;

describe('what a SIP2 account may learn', () => {
  it('never gives contact details, birth date, full name, past loans or a hold’s patron to any kind, whatever its settings', () => {
    for (const kind of SIP2_ACCOUNT_KINDS)
      for (const field of NEVER) expect(mayDisclose({ kind, patronFields: [...SIP2_PATRON_FIELDS] }, { attributes: 'category-or-age-band', clause: 'IF-9' }, field).allowed).toBe(false);
  });

  it('gives a vendor the category only when both its account and the profile allow it (RF-6, IF-9)', () => {
    const asking = { kind: 'authentication' as const, patronFields: ['valid-patron', 'category'] as const };
    expect(mayDisclose({ ...asking, patronFields: [...asking.patronFields] }, DEFAULT_VENDOR_RULE, 'category')).toEqual({ allowed: false, clause: 'RF-6' });
    expect(mayDisclose({ ...asking, patronFields: [...asking.patronFields] }, { attributes: 'category-or-age-band', clause: 'IF-9' }, 'category')).toEqual({ allowed: true, clause: 'IF-9' });
    expect(mayDisclose({ kind: 'authentication', patronFields: ['valid-patron'] }, { attributes: 'category-or-age-band', clause: 'IF-9' }, 'category').allowed).toBe(false);
  });

  it('gives a sorter nothing about patrons and lets it send only item messages', () => {
    expect(KIND_FIELDS.sorter).toEqual([]);
    const sorter = { kind: 'sorter' as const, messages: ['09', '17', '11'] as ('09' | '17' | '11')[] };
    expect(['93', '99', '97', '09', '17', '11', '63'].filter((code) => maySend(sorter, code))).toEqual(['93', '99', '97', '09', '17']);
    expect(settingsBeyondKind('sorter', { messages: ['11'], patronFields: ['greeting'] }, DEFAULT_VENDOR_RULE)).toEqual([
      { field: 'messages', value: '11', clause: 'CB-G2' },
      { field: 'patronFields', value: 'greeting', clause: 'CB-G2' },
    ]);
  });
});
