import { useState } from 'react';
import { api } from '../api';
import { t, useT } from '../i18n';
import { count, day, ErrorMessage, Field, Page, useAction, useLoad } from '../ui/components';
import type { MyHold } from './types';

/** A hold's status in the patron's words. */
function statusWords(hold: MyHold): string {
  switch (hold.status) {
    case 'ready':
      return hold.pickupBy ? t('portal.holds.status.readyUntil', { until: day(hold.pickupBy) }) : t('portal.holds.status.ready');
    case 'in-transit':
      return t('portal.holds.status.inTransit');
    case 'suspended':
      return t('portal.holds.status.suspended', { until: day(hold.suspendedUntil) });
    default:
      return t('portal.holds.status.waiting');
  }
}

/**
 * `/me/holds`: the patron's open holds (GET /me/holds) with their place in the queue, status and
 * pick-up branch. A waiting hold can be suspended until a day and resumed; any can be cancelled, after
 * a question (it cannot be undone: the place in the queue is lost).
 */
export function MyHolds() {
  const t = useT();
  const holds = useLoad(() => api<{ holds: MyHold[] }>('GET', '/me/holds'), []);
  const action = useAction();
  const [said, setSaid] = useState('');
  const [until, setUntil] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState<string | null>(null);

  const suspend = async (hold: MyHold, day_: string | null) => {
    const done = await action.run(() => api<MyHold>('POST', `/me/holds/${hold.holdId}/suspend`, { until: day_ }));
    if (done) setSaid(day_ === null ? t('portal.holds.resumed', { title: hold.title }) : t('portal.holds.suspended', { title: hold.title, until: day(day_) }));
    holds.reload();
  };
  const cancel = async (hold: MyHold) => {
    const done = await action.run(() => api('POST', `/me/holds/${hold.holdId}/cancel`));
    if (done) setSaid(t('portal.holds.cancelled', { title: hold.title }));
    setConfirming(null);
    holds.reload();
  };

  const list = holds.data?.holds ?? [];
  return (
    <Page title={t('portal.holds.title')}>
      {holds.loading && !holds.data && <p className="loading">{t('portal.holds.loading')}</p>}
      <ErrorMessage error={holds.error} />
      <ErrorMessage error={action.error} />
      <p aria-live="polite" className="portal-said">
        {said}
      </p>
      {holds.data && list.length === 0 && <p className="portal-empty">{t('portal.holds.none')}</p>}
      {list.length > 0 && (
        <ul className="portal-list" aria-label={t('portal.holds.list')}>
          {list.map((hold) => (
            <li key={hold.holdId}>
              <p className="portal-item-title">{hold.title}</p>
              <dl className="portal-facts">
                <dt>{t('portal.holds.statusLabel')}</dt>
                <dd>{statusWords(hold)}</dd>
                {hold.queuePosition !== null && (
                  <>
                    <dt>{t('portal.holds.queuePosition')}</dt>
                    <dd>{count(hold.queuePosition)}</dd>
                  </>
                )}
                <dt>{t('portal.holds.pickUpAt')}</dt>
                <dd>{hold.pickupBranch.name}</dd>
                <dt>{t('portal.holds.placed')}</dt>
                <dd>{day(hold.placedAt)}</dd>
                {hold.expiresAt && (
                  <>
                    <dt>{t('portal.holds.notNeededAfter')}</dt>
                    <dd>{day(hold.expiresAt)}</dd>
                  </>
                )}
              </dl>
              {hold.status === 'waiting' && (
                <form
                  onSubmit={(e) => {
                    e.preventDefault();
                    const chosen = until[hold.holdId];
                    if (chosen) void suspend(hold, chosen);
                  }}
                >
                  <Field
                    label={t('portal.holds.suspendUntil', { title: hold.title })}
                    type="date"
                    value={until[hold.holdId] ?? ''}
                    onChange={(e) => setUntil({ ...until, [hold.holdId]: e.target.value })}
                  />
                  <button type="submit" disabled={action.busy || !until[hold.holdId]}>
                    {t('portal.holds.suspend')}
                  </button>
                </form>
              )}
              {hold.status === 'suspended' && (
                <button type="button" onClick={() => void suspend(hold, null)} disabled={action.busy}>
                  {t('portal.holds.resume')}
                </button>
              )}
              {confirming === hold.holdId ? (
                <div role="group" aria-label={t('portal.holds.cancelQuestionLabel', { title: hold.title })}>
                  <p>{t('portal.holds.cancelQuestion')}</p>
                  <button type="button" className="danger" onClick={() => void cancel(hold)} disabled={action.busy}>
                    {t('portal.holds.cancelYes')}
                  </button>
                  <button type="button" onClick={() => setConfirming(null)}>
                    {t('portal.holds.keep')}
                  </button>
                </div>
              ) : (
                <button type="button" onClick={() => setConfirming(hold.holdId)}>
                  {t('portal.holds.cancel')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
