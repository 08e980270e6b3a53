/**
 * The views of a patron's account that the API answers to both the desk and the portal
 * (src/http/schemas.ts, src/http/routes/*.routes.ts and src/usecases/patron.usecases.ts `patronDocument`).
 * Each area adds what only it reads in its own types.ts.
 */

export interface PatronView {
  id: string;
  libraryId: string;
  cardNumber: string;
  categoryCode: string;
  status: string;
  name: string;
  birthDate: string;
  address: string | null;
  email: string | null;
  phone: string | null;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface LoanView {
  id: string;
  itemBarcode: string;
  title: string;
  checkedOutAt: string;
  dueAt: string;
  renewals: number;
  status: string;
  endedAt: string | null;
}

export interface HoldView {
  id: string;
  itemBarcode?: string;
  title?: string;
  status: string;
  placedAt: string;
  readyAt: string | null;
  pickupBy: string | null;
  endedAt: string | null;
}

export interface FineView {
  id: string;
  kind: string;
  itemBarcode?: string | null;
  title?: string | null;
  amountCents: number;
  balanceCents: number;
  status: string;
  note: string | null;
  createdAt: string;
  settledAt: string | null;
}
