import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { api } from '../api';
import { useSession } from '../session';
import { useLoad } from '../ui/components';
import type { Account, Branch, CheckinResult, CheckoutResult, DeskLoanView, Library } from './types';
import type { LookupPurpose } from './words';

/**
 * How the patron at the desk was opened, which decides how their account is read again after a change:
 * by the card presented (or a photo ID that stands in for it, IF-5) as a circulation transaction, or by
 * id with the purpose the librarian named (CB-A3, RF-10).
 */
export type OpenedBy = { kind: 'card' } | { kind: 'purpose'; purpose: LookupPurpose };

/** One scan in the check-out list: what went out, or why it did not. */
export interface CheckoutEntry {
  key: number;
  barcode: string;
  title?: string;
  dueAt?: string;
  holdPickedUp?: boolean;
  error?: unknown;
}

/** One scan in the check-in list: what came back, where it goes now, or why it could not. */
export interface CheckinEntry {
  key: number;
  barcode: string;
  result?: CheckinResult;
  error?: unknown;
}

export type Mode = 'out' | 'in';

interface Desk {
  /** The patron being served, in memory only (never in the URL or the browser's storage). */
  account: Account | undefined;
  openedBy: OpenedBy | undefined;
  /** The current card number, up to date even before React renders (a scanner is faster than that). */
  currentCard(): string | undefined;
  /**
   * The card number when the patron was opened by the card presented (or a photo ID standing in for it,
   * IF-5): what lends. Undefined for a patron opened by purpose, whose card number came from a search and
   * lends nothing (CB-A3): their card must be scanned. Up to date before React renders, like currentCard.
   */
  presentedCard(): string | undefined;
  open(account: Account, openedBy: OpenedBy): void;
  /** Reads the account again the way it was opened; `cardNumber` after a new card was issued. */
  reload(cardNumber?: string): Promise<void>;
  /**
   * Adds a check-out's answer to the open patron's loans (and drops the hold it filled), without reading
   * the record again: every read is logged, and a scan is not a reason for one more.
   */
  addLoan(result: CheckoutResult): void;
  /** Whether a check-in touched the open patron's record: it ended one of their loans or trapped their hold. */
  concerns(result: CheckinResult): boolean;
  close(): void;
  checkouts: CheckoutEntry[];
  addCheckout(entry: Omit<CheckoutEntry, 'key'>): void;
  checkins: CheckinEntry[];
  addCheckin(entry: Omit<CheckinEntry, 'key'>): void;
  clearCheckins(): void;
  mode: Mode;
  setMode(mode: Mode): void;
  /** Where this desk is (a branch id), to tell a hold trapped here from one to send elsewhere. */
  deskBranch: string;
  setDeskBranch(branchId: string): void;
  libraries: Library[] | undefined;
  librariesError: unknown;
  /** The staff member's own library (for staff of no one library, the first they reach). */
  library: Library | undefined;
  branchName(idOrCode: string | undefined): string;
  /**
   * An item's title by its barcode, when the desk already knows it: from the open patron's loans and
   * holds, or from this session's scans. For a refused scan, whose answer names no title; nothing is
   * asked of Carrel for it.
   */
  titleOf(barcode: string): string | undefined;
}

const DeskContext = createContext<Desk | undefined>(undefined);

// The desk's branch is a setting of this computer, not anyone's personal data: kept across reloads.
const DESK_BRANCH_KEY = 'carrel.desk.branch';

function storedDeskBranch(): string {
  try {
    return localStorage.getItem(DESK_BRANCH_KEY) ?? '';
  } catch {
    return '';
  }
}

/** The desk's state across its pages: the patron being served, this session's scans, the library. */
export function DeskProvider({ children }: { children: ReactNode }) {
  const session = useSession();
  const [account, setAccount] = useState<Account | undefined>(undefined);
  const [openedBy, setOpenedBy] = useState<OpenedBy | undefined>(undefined);
  const card = useRef<string | undefined>(undefined);
  const patronId = useRef<string | undefined>(undefined);
  const how = useRef<OpenedBy>({ kind: 'card' });
  const current = useRef<Account | undefined>(undefined);
  const [checkouts, setCheckouts] = useState<CheckoutEntry[]>([]);
  const [checkins, setCheckins] = useState<CheckinEntry[]>([]);
  const [mode, setMode] = useState<Mode>('out');
  const [deskBranch, setDeskBranchState] = useState<string>(storedDeskBranch);
  const counter = useRef(0);
  const libraries = useLoad(() => api<Library[]>('GET', '/libraries'), []);

  const open = useCallback((next: Account, openedBy: OpenedBy) => {
    if (patronId.current !== next.patron.id) setCheckouts([]);
    card.current = next.patron.cardNumber;
    patronId.current = next.patron.id;
    how.current = openedBy;
    current.current = next;
    setAccount(next);
    setOpenedBy(openedBy);
  }, []);

  const close = useCallback(() => {
    card.current = undefined;
    patronId.current = undefined;
    current.current = undefined;
    setAccount(undefined);
    setOpenedBy(undefined);
    setCheckouts([]);
  }, []);

  const reload = useCallback(async (cardNumber?: string) => {
    const id = patronId.current;
    if (!id) return;
    const opened = how.current;
    const next =
      opened.kind === 'purpose' && cardNumber === undefined
        ? await api<Account>('GET', `/patrons/${encodeURIComponent(id)}?purpose=${opened.purpose}`)
        : await api<Account>('POST', '/patrons/lookup', { cardNumber: cardNumber ?? card.current });
    // The patron may have been closed while the answer was on its way.
    if (patronId.current !== id) return;
    card.current = next.patron.cardNumber;
    current.current = next;
    setAccount(next);
  }, []);

  const addLoan = useCallback((result: CheckoutResult) => {
    const before = current.current;
    if (!before || before.patron.id !== result.patronId) return;
    const loan: DeskLoanView = {
      id: result.loanId,
      // Not in the answer, and not shown by the desk.
      itemId: '',
      branchId: '',
      itemBarcode: result.itemBarcode,
      title: result.title,
      checkedOutAt: new Date().toISOString(),
      dueAt: result.dueAt,
      renewals: 0,
      status: 'active',
      endedAt: null,
    };
    const next: Account = {
      ...before,
      // In the order they fall due, as the server lists them.
      loans: [...before.loans.filter((l) => l.id !== loan.id), loan].sort((a, b) => a.dueAt.localeCompare(b.dueAt)),
      holds: result.fulfilledHoldId === null ? before.holds : before.holds.filter((h) => h.id !== result.fulfilledHoldId),
    };
    current.current = next;
    setAccount(next);
  }, []);

  const concerns = useCallback((result: CheckinResult) => {
    const open = current.current;
    if (!open) return false;
    return (
      open.loans.some((l) => (result.loanId !== null && l.id === result.loanId) || l.itemBarcode === result.itemBarcode) ||
      (result.routing.holdId !== undefined && open.holds.some((h) => h.id === result.routing.holdId))
    );
  }, []);

  const addCheckout = useCallback((entry: Omit<CheckoutEntry, 'key'>) => setCheckouts((list) => [{ ...entry, key: ++counter.current }, ...list]), []);
  const addCheckin = useCallback((entry: Omit<CheckinEntry, 'key'>) => setCheckins((list) => [{ ...entry, key: ++counter.current }, ...list]), []);
  const clearCheckins = useCallback(() => setCheckins([]), []);

  const setDeskBranch = useCallback((branchId: string) => {
    setDeskBranchState(branchId);
    try {
      if (branchId) localStorage.setItem(DESK_BRANCH_KEY, branchId);
      else localStorage.removeItem(DESK_BRANCH_KEY);
    } catch {
      // storage refused (private window): the choice lasts for this page only
    }
  }, []);

  const library = useMemo(() => {
    const all = libraries.data ?? [];
    return all.find((l) => l.id === session.actor?.libraryId) ?? all[0];
  }, [libraries.data, session.actor?.libraryId]);

  const branchName = useCallback(
    (idOrCode: string | undefined) => {
      if (!idOrCode) return '—';
      const branches: Branch[] = (libraries.data ?? []).flatMap((l) => l.branches);
      const branch = branches.find((b) => b.id === idOrCode || b.code === idOrCode);
      return branch?.name ?? idOrCode;
    },
    [libraries.data],
  );

  const titleOf = useCallback(
    (barcode: string) =>
      account?.loans.find((l) => l.itemBarcode === barcode)?.title ??
      account?.holds.find((h) => h.itemBarcode === barcode && h.title)?.title ??
      checkouts.find((e) => e.barcode === barcode && e.title)?.title ??
      checkins.find((e) => e.result && (e.barcode === barcode || e.result.itemBarcode === barcode))?.result?.title ??
      undefined,
    [account, checkouts, checkins],
  );

  const value: Desk = {
    account,
    openedBy,
    currentCard: () => card.current,
    presentedCard: () => (how.current.kind === 'card' ? card.current : undefined),
    open,
    reload,
    addLoan,
    concerns,
    close,
    checkouts,
    addCheckout,
    checkins,
    addCheckin,
    clearCheckins,
    mode,
    setMode,
    deskBranch,
    setDeskBranch,
    libraries: libraries.data,
    librariesError: libraries.error,
    library,
    branchName,
    titleOf,
  };
  return <DeskContext.Provider value={value}>{children}</DeskContext.Provider>;
}

export function useDesk(): Desk {
  const desk = useContext(DeskContext);
  if (!desk) throw new Error('useDesk outside DeskProvider');
  return desk;
}
