import { useEffect, useId, useState, type ReactNode } from 'react';
import { count } from '../i18n/format';
import { useT } from '../i18n';

/** Rows a long list shows at once (who looked, legal requests, complaints). */
export const PAGE_SIZE = 25;

/**
 * A long list shown a page at a time: the rows of the current page and, when there is more than one page,
 * the controls to move between them ("Showing 26–50 of 80", Previous, Next). The list starts again at its
 * first page when its length changes (a new search, an answered complaint leaving the list).
 */
export function usePaged<T>(items: readonly T[] | undefined, size = PAGE_SIZE): { shown: readonly T[]; pager: ReactNode } {
  const t = useT();
  const id = useId();
  const total = items?.length ?? 0;
  const pages = Math.max(1, Math.ceil(total / size));
  const [page, setPage] = useState(0);
  useEffect(() => setPage(0), [total]);
  const current = Math.min(page, pages - 1);
  const shown = (items ?? []).slice(current * size, current * size + size);
  if (pages === 1) return { shown, pager: null };
  const pager = (
    <nav className="pager" aria-label={t('common.pager.label')}>
      <p id={`${id}-at`} aria-live="polite">
        {t('common.pager.showing', { from: count(current * size + 1), to: count(current * size + shown.length), total: count(total) })}
      </p>
      <button type="button" className="secondary" disabled={current === 0} onClick={() => setPage(current - 1)} aria-describedby={`${id}-at`}>
        {t('common.pager.previous')}
      </button>{' '}
      <button type="button" className="secondary" disabled={current === pages - 1} onClick={() => setPage(current + 1)} aria-describedby={`${id}-at`}>
        {t('common.pager.next')}
      </button>
    </nav>
  );
  return { shown, pager };
}
