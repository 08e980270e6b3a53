import { describe, expect, it } from 'vitest';
import { LOOKUP_PURPOSES, ROLES, SYSTEM, type Actor } from './actors.js';
import { authorize, PERMISSIONS, permissionsOf, ROLE_PERMISSIONS, ROLE_PURPOSES } from './permissions.js';

const staff = (...roles: string[]): Actor => ({ kind: 'staff', id: 's', libraryId: 'lib', roles });

/** Permissions that read or change a patron's record. */
const PATRON_DATA = PERMISSIONS.filter((p) => p.startsWith('patron.') || p.startsWith('circulation.') || p.startsWith('fines.') || p === 'holds.place' || p === 'holds.cancel' || p.startsWith('services.') || p === 'access-log.read');

describe('roles and permissions (CB-A3, RF-1, RF-10, IF-8)', () => {
  it('grants each role at least what the role below it has, up to the director', () => {
    const ladder = ['volunteer', 'circulation', 'librarian', 'branch-manager', 'director'] as const;
    for (let i = 1; i < ladder.length; i++) {
      const lower = ROLE_PERMISSIONS[ladder[i - 1] as (typeof ladder)[number]];
      expect(ROLE_PERMISSIONS[ladder[i] as (typeof ladder)[number]]).toEqual(expect.arrayContaining([...lower]));
    }
  });

  it('gives a volunteer only the hold shelf, the policy and the statistics, and the system administrator no patron data', () => {
    expect([...ROLE_PERMISSIONS.volunteer].sort()).toEqual(['holds.shelf', 'profiles.read']);
    expect(ROLE_PERMISSIONS.admin.filter((p) => PATRON_DATA.includes(p))).toEqual([]);
    expect(ROLE_PURPOSES.admin).toEqual([]);
  });

  it('keeps the access log and the computer-log review to the director (JC-VII)', () => {
    for (const role of ROLES) {
      const reads = ROLE_PERMISSIONS[role].includes('access-log.read') || ROLE_PERMISSIONS[role].includes('services.review');
      expect([role, reads]).toEqual([role, role === 'director']);
    }
    expect(ROLES.filter((r) => ROLE_PURPOSES[r].includes('violation-review'))).toEqual(['director']);
    expect(ROLES.filter((r) => ROLE_PURPOSES[r].includes('legal-disclosure'))).toEqual(['director']);
  });

  it('answers with the role that grants, refuses patrons and unknown roles, and checks purposes', () => {
    expect(authorize(staff('volunteer', 'circulation'), 'circulation.checkout')).toEqual({ allowed: true, role: 'circulation' });
    expect(authorize(staff('volunteer'), 'circulation.checkout')).toEqual({ allowed: false, reason: 'no-role-grants-it' });
    expect(authorize(staff('superuser'), 'patron.read')).toEqual({ allowed: false, reason: 'no-role-grants-it' });
    expect(authorize({ kind: 'patron', id: 'p', libraryId: 'lib' }, 'patron.lookup')).toEqual({ allowed: false, reason: 'not-staff' });
    expect(authorize(SYSTEM, 'staff.manage')).toEqual({ allowed: true, role: 'system' });
    expect(authorize(staff('circulation'), 'patron.lookup', 'account-service')).toEqual({ allowed: true, role: 'circulation' });
    expect(authorize(staff('librarian'), 'patron.read', 'legal-disclosure')).toEqual({ allowed: false, reason: 'purpose-not-allowed' });
    expect(authorize(staff('librarian', 'director'), 'patron.read', 'legal-disclosure')).toEqual({ allowed: true, role: 'director' });
    for (const role of ROLES) for (const purpose of ROLE_PURPOSES[role]) expect(LOOKUP_PURPOSES).toContain(purpose);
  });

  it('lists the permissions of an actor for the session answer', () => {
    expect(permissionsOf(staff('volunteer'))).toEqual(['holds.shelf', 'profiles.read']);
    expect(permissionsOf({ kind: 'patron', id: 'p', libraryId: 'lib' })).toEqual([]);
    expect(permissionsOf(SYSTEM)).toEqual([...PERMISSIONS]);
  });
});
