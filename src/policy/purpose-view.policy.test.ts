import { describe, expect, it } from 'vitest';
import { PURPOSES, SYSTEM, type Actor } from './actors.js';
import { authorize } from './permissions.js';
import { seesComputerLogs, serviceRecordsView } from './purpose-view.policy.js';

const staff = (...roles: string[]): Actor => ({ kind: 'staff', id: 's', libraryId: 'lib', roles });
const patron: Actor = { kind: 'patron', id: 'p', libraryId: 'lib' };

describe('what a purpose lets a reader see (JC-VII: public-computer logs only when a violation is suspected)', () => {
  it('keeps computer logs from a circulation clerk at the desk and from staff under any purpose but the violation review', () => {
    expect(seesComputerLogs(staff('circulation'), 'circulation')).toBe(false);
    for (const purpose of PURPOSES.filter((p) => p !== 'violation-review')) expect([purpose, seesComputerLogs(staff('director'), purpose)]).toEqual([purpose, false]);
  });

  it('shows them to the director reviewing a suspected violation', () => {
    expect(seesComputerLogs(staff('director'), 'violation-review')).toBe(true);
  });

  it('shows them to a patron reading their own record, and to the operator', () => {
    expect(seesComputerLogs(patron, 'self-service')).toBe(true);
    expect(seesComputerLogs(SYSTEM, 'account-service')).toBe(true);
  });

  it('under the violation review shows the computer logs and nothing else, through a permission only the director has', () => {
    const view = serviceRecordsView('violation-review');
    expect(view).toEqual({ permission: 'services.review', categories: ['computer-sessions'] });
    expect(authorize(staff('director'), view.permission, 'violation-review').allowed).toBe(true);
    expect(authorize(staff('librarian'), view.permission, 'violation-review').allowed).toBe(false);
  });

  it('under any other purpose shows every other service and never the computer logs', () => {
    for (const purpose of PURPOSES.filter((p) => p !== 'violation-review'))
      expect([purpose, serviceRecordsView(purpose)]).toEqual([
        purpose,
        { permission: 'patron.read', categories: ['program-signups', 'room-bookings', 'ill-requests', 'reference-requests'] },
      ]);
  });
});
