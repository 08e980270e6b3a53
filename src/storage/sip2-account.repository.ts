import type { Sip2Account, Sip2AccountKind, Sip2AccountSettings } from '../domain/sip2.js';
import type { Db } from './database.js';
import type { Sip2AccountsTable } from './schema.js';

function toAccount(row: Sip2AccountsTable): Sip2Account {
  const settings = JSON.parse(row.settings) as Sip2AccountSettings;
  return {
    ...settings,
    id: row.id,
    libraryId: row.library_id,
    branchId: row.branch_id,
    name: row.name,
    loginId: row.login_id,
    kind: row.kind as Sip2AccountKind,
    disabled: Number(row.disabled) !== 0,
    createdAt: typeof row.created_at === 'string' ? row.created_at : new Date(row.created_at).toISOString(),
  };
}

function settingsOf(account: Sip2AccountSettings): string {
  const { allowedCidrs, messages, patronFields, charset, requireErrorDetection, pinRequired, sortBins } = account;
  return JSON.stringify({ allowedCidrs, messages, patronFields, charset, requireErrorDetection, pinRequired, sortBins });
}

export async function insertSip2Account(db: Db, account: Sip2Account, passwordHash: string): Promise<void> {
  await db
    .insertInto('sip2_accounts')
    .values({
      id: account.id,
      library_id: account.libraryId,
      branch_id: account.branchId,
      name: account.name,
      login_id: account.loginId,
      password_hash: passwordHash,
      kind: account.kind,
      settings: settingsOf(account),
      disabled: account.disabled ? 1 : 0,
      created_at: account.createdAt,
    })
    .execute();
}

/** An account and its password hash, for the SIP2 login only. */
export async function findSip2Credentials(db: Db, loginId: string): Promise<{ account: Sip2Account; passwordHash: string } | undefined> {
  const row = await db.selectFrom('sip2_accounts').selectAll().where('login_id', '=', loginId).executeTakeFirst();
  return row && { account: toAccount(row), passwordHash: row.password_hash };
}

export async function findSip2Account(db: Db, id: string): Promise<Sip2Account | undefined> {
  const row = await db.selectFrom('sip2_accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toAccount(row);
}

export async function findSip2AccountByName(db: Db, libraryId: string, name: string): Promise<Sip2Account | undefined> {
  const row = await db.selectFrom('sip2_accounts').selectAll().where('library_id', '=', libraryId).where('name', '=', name).executeTakeFirst();
  return row && toAccount(row);
}

/** A library's accounts by name (no password hashes). */
export async function listSip2Accounts(db: Db, libraryId: string): Promise<Sip2Account[]> {
  const rows = await db.selectFrom('sip2_accounts').selectAll().where('library_id', '=', libraryId).orderBy('name').execute();
  return rows.map(toAccount);
}

export async function setSip2Disabled(db: Db, id: string, disabled: boolean): Promise<void> {
  await db.updateTable('sip2_accounts').set({ disabled: disabled ? 1 : 0 }).where('id', '=', id).execute();
}

export async function setSip2Settings(db: Db, id: string, settings: Sip2AccountSettings, branchId: string): Promise<void> {
  await db.updateTable('sip2_accounts').set({ settings: settingsOf(settings), branch_id: branchId }).where('id', '=', id).execute();
}

export async function setSip2Password(db: Db, id: string, passwordHash: string): Promise<void> {
  await db.updateTable('sip2_accounts').set({ password_hash: passwordHash }).where('id', '=', id).execute();
}
