import { useEffect, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { moment } from '../i18n/format';

/**
 * A slip printed at the desk with the browser's print (a payment receipt, a due-date slip): a narrow page
 * with the library's lines at the top and bottom and only what the slip is for. Never the patron's name,
 * card number or anything else of their record: a slip is left on counters and in books.
 *
 * The slip is kept at the end of <body>, out of sight on screen; `printSlip(name)` prints it alone (the
 * page's own print, Ctrl+P, still prints the page without any slip).
 */
export function Slip({ name, title, header, footer, at, children }: { name: string; title: string; header: string | null; footer: string | null; at: string; children: ReactNode }) {
  return createPortal(
    <div className="slip" data-slip={name} lang={document.documentElement.lang}>
      {header && <p className="slip-header">{header}</p>}
      <h2>{title}</h2>
      <p className="slip-at">{moment(at)}</p>
      {children}
      {footer && <p className="slip-footer">{footer}</p>}
    </div>,
    document.body,
  );
}

/** Prints the slip of that name alone. */
export function printSlip(name: string): void {
  const done = () => {
    delete document.body.dataset.printing;
    window.removeEventListener('afterprint', done);
  };
  document.body.dataset.printing = name;
  window.addEventListener('afterprint', done);
  window.print();
}

/** The instant a slip was made, fixed while it is shown (a re-render does not change a printed time). */
export function useSlipTime(key: unknown): string {
  const [at, setAt] = useState(() => new Date().toISOString());
  useEffect(() => setAt(new Date().toISOString()), [key]);
  return at;
}
