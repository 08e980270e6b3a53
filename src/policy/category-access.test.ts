import { describe, expect, it } from 'vitest';
import { ROLES } from './actors.js';
import { CATEGORY_PERMISSIONS, CATEGORY_VIEW_PERMISSIONS, rolesFor } from './category-access.js';
import { AGGREGATE_CATEGORIES, INVENTORY, RECORD_CATEGORIES } from './inventory.js';
import { PERMISSIONS, ROLE_PERMISSIONS } from './permissions.js';

/** Who can access each category (CB-I (c)) is derived from the role table the software enforces. */
describe('record categories and the role table (CB-I (c), CB-A3, RF-10)', () => {
  it('every category of the inventory has permissions, every one of them a permission of the table, granted to some role', () => {
    expect(Object.keys(CATEGORY_PERMISSIONS).sort()).toEqual([...RECORD_CATEGORIES].sort());
    expect(INVENTORY.map((c) => c.id).sort()).toEqual([...RECORD_CATEGORIES].sort());
    for (const category of RECORD_CATEGORIES) {
      const permissions = CATEGORY_PERMISSIONS[category];
      expect([category, permissions.length > 0]).toEqual([category, true]);
      for (const p of permissions) expect((PERMISSIONS as readonly string[]).includes(p)).toBe(true);
      expect([category, rolesFor(category).length > 0]).toEqual([category, true]);
    }
  });

  it('names each role with exactly the permissions of its own that reach the category', () => {
    for (const category of RECORD_CATEGORIES)
      for (const access of rolesFor(category)) {
        expect(access.permissions.length).toBeGreaterThan(0);
        for (const p of access.permissions) {
          expect(ROLE_PERMISSIONS[access.role].includes(p)).toBe(true);
          expect(CATEGORY_PERMISSIONS[category].includes(p)).toBe(true);
        }
      }
    // Ordered from least to most trusted, as the role table is
    expect(rolesFor('registration').map((r) => r.role)).toEqual(ROLES.filter((r) => rolesFor('registration').some((a) => a.role === r)));
  });

  it('the system administrator reaches no patron record; a volunteer only the hold shelf; the access log only the director', () => {
    const reached = (role: (typeof ROLES)[number]) => RECORD_CATEGORIES.filter((c) => rolesFor(c).some((r) => r.role === role));
    expect(reached('admin')).toEqual(['access-log', 'circulation-statistics', 'registration-statistics', 'service-statistics', 'vendor-statistics']);
    expect(rolesFor('access-log').find((r) => r.role === 'admin')?.permissions).toEqual(['access-log.verify']);
    expect(reached('volunteer')).toEqual(['holds']);
    expect(rolesFor('holds').find((r) => r.role === 'volunteer')?.permissions).toEqual(['holds.shelf']);
    expect(rolesFor('access-log').find((r) => r.role === 'director')?.permissions).toEqual(['access-log.read', 'access-log.verify']);
    expect(rolesFor('complaints').map((r) => r.role)).toEqual(['circulation', 'librarian', 'branch-manager', 'director']);
  });

  it('the aggregate statistics: written by the use case that counts, read by librarians and up and the administrator, seen as nobody’s record', () => {
    for (const category of AGGREGATE_CATEGORIES) {
      expect(CATEGORY_VIEW_PERMISSIONS[category]).toEqual([]);
      const readers = rolesFor(category)
        .filter((r) => r.permissions.includes('statistics.read'))
        .map((r) => r.role);
      expect([category, readers]).toEqual([category, ['librarian', 'branch-manager', 'director', 'admin']]);
    }
    expect(rolesFor('circulation-statistics').find((r) => r.role === 'circulation')?.permissions).toEqual(['circulation.checkout']);
    expect(rolesFor('registration-statistics').find((r) => r.role === 'circulation')?.permissions).toEqual(['patron.register']);
    expect(rolesFor('service-statistics').find((r) => r.role === 'director')?.permissions).toEqual(['retention.run', 'patron.delete', 'statistics.read']);
    // Sign-ins are counted by the vendor's sign-in itself: no staff role writes them (CB-D)
    expect(rolesFor('vendor-statistics').map((r) => [r.role, r.permissions])).toEqual(['librarian', 'branch-manager', 'director', 'admin'].map((role) => [role, ['statistics.read']]));
  });
});
