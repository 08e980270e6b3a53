/**
 * Staff accounts, managed by administrators (`staff.manage`; an administrator of one library manages
 * that library's accounts only), and a member of staff's own password change.
 * The routes' JSON Schemas (shown in /openapi.json); the web app reads their static types. Imports only
 * typebox and src/domain.
 */
import { Type, type Static } from 'typebox';
import { ROLES } from '../../domain/roles.js';
import { PASSWORD_MAX_LENGTH } from '../../domain/passwords.js';
import { ErrorResponse, forbiddableResponses, Id, Instant, LibraryId, Nullable } from './common.js';

export const Role = Type.Enum(ROLES, { description: 'A staff role.' });
const Roles = Type.Array(Role, { minItems: 1, maxItems: ROLES.length, description: 'One or more roles.' });

export const StaffAccountView = Type.Object({
  id: Id,
  username: Type.String(),
  libraryId: Nullable(Type.String({ description: 'The home library; null: an account without a library, which holds only the `admin` role’s permissions and reaches no patron.' })),
  libraryIds: Type.Array(Type.String(), { description: 'Every library the account works for, home first: one, or several that all share their patrons; empty without a library.' }),
  roles: Type.Array(Type.String()),
  disabled: Type.Boolean(),
  mustChangePassword: Type.Boolean({ description: 'The password was reset and must be changed at the next log-in.' }),
  createdAt: Instant,
});
export type StaffAccountView = Static<typeof StaffAccountView>;

const StaffParams = Type.Object({ id: Id });
const PlacementLibraryId = Type.Union([LibraryId, Type.Null()], {
  description:
    'The library the account works for; null: an account without a library, for the `admin` role only (else 422 STAFF_LIBRARY_REQUIRED). Omitted: the caller’s own library, or the only library in the database (with several, 422 STAFF_LIBRARY_REQUIRED).',
});
const PlacementLibraryIds = Type.Array(LibraryId, {
  minItems: 1,
  maxItems: 64,
  description: 'Several libraries the account works for, the first its home: all must share their patrons (else 422 STAFF_LIBRARIES_NOT_SHARED).',
});
const PasswordAnswer = Type.Object({
  account: StaffAccountView,
  password: Type.String({ description: 'The generated password, shown this once; Carrel keeps only its hash.' }),
});

/** GET /api/v1/staff */
export const ListStaffRoute = {
  tags: ['staff'],
  summary: 'The staff accounts the caller manages (no password hashes)',
  querystring: Type.Object({ libraryId: Type.Optional(LibraryId) }, { additionalProperties: false }),
  response: { 200: Type.Array(StaffAccountView), ...forbiddableResponses },
};

/** POST /api/v1/staff */
export const CreateStaffRoute = {
  tags: ['staff'],
  summary: 'Add a staff account; its generated password is in the answer, once',
  body: Type.Object(
    {
      username: Type.String({ minLength: 1, maxLength: 64 }),
      libraryId: Type.Optional(PlacementLibraryId),
      libraryIds: Type.Optional(PlacementLibraryIds),
      roles: Roles,
    },
    { additionalProperties: false },
  ),
  response: { 201: PasswordAnswer, ...forbiddableResponses },
};

/** PATCH /api/v1/staff/:id */
export const UpdateStaffRoute = {
  tags: ['staff'],
  summary: 'Change an account’s roles or libraries',
  params: StaffParams,
  body: Type.Object({ roles: Type.Optional(Roles), libraryId: Type.Optional(PlacementLibraryId), libraryIds: Type.Optional(PlacementLibraryIds) }, { additionalProperties: false }),
  response: { 200: StaffAccountView, ...forbiddableResponses },
};

/** POST /api/v1/staff/:id/disable */
export const DisableStaffRoute = {
  tags: ['staff'],
  summary: 'Disable an account: it cannot log in, and its open sessions end at once',
  params: StaffParams,
  response: { 200: StaffAccountView, ...forbiddableResponses },
};

/** POST /api/v1/staff/:id/enable */
export const EnableStaffRoute = {
  tags: ['staff'],
  summary: 'Let a disabled account log in again',
  params: StaffParams,
  response: { 200: StaffAccountView, ...forbiddableResponses },
};

/** POST /api/v1/staff/:id/reset-password */
export const ResetStaffPasswordRoute = {
  tags: ['staff'],
  summary: 'Reset an account’s password to a generated one (shown once), to be changed at the next log-in; its sessions end',
  params: StaffParams,
  response: { 200: PasswordAnswer, ...forbiddableResponses },
};

/** POST /api/v1/auth/password */
export const ChangeOwnPasswordRoute = {
  tags: ['auth'],
  summary: 'Change your own password (staff)',
  description:
    'At least 12 characters, not a common password, not the username (OWASP ASVS 5.0 L2). Every session of the account ends and a new session cookie is set; send the new `csrfToken` from then on.',
  body: Type.Object(
    {
      currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
      newPassword: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH * 4, description: `12 to ${PASSWORD_MAX_LENGTH} characters.` }),
    },
    { additionalProperties: false },
  ),
  response: { 200: Type.Object({ expiresAt: Instant, csrfToken: Type.String() }), ...forbiddableResponses, 429: ErrorResponse },
};
