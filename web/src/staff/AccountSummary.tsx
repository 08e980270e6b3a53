import { useState, type ReactNode } from 'react';
import { api } from '../api';
import { errorWords, pageLanguage, tRich, useT } from '../i18n';
import { useSession } from '../session';
import { day, ErrorMessage, Field, moment, money, Notice, useAction } from '../ui/components';
import { useDesk } from './desk-context';
import type { Account, RenewedCard } from './types';

/** Whole days from now until an instant (0 when it has passed). */
function daysUntil(at: string): number {
  return Math.max(0, Math.ceil((Date.parse(at) - Date.now()) / 86_400_000));
}

/** A figure of the summary, set apart (`<figure>…</figure>` in its message). */
const figure = (chunks: ReactNode[]) => <span className="figure">{chunks}</span>;

/** A block in the page's language: the server's words on an English page, the catalogue's for its code on another. */
function blockWords(block: { code: string; message: string }): string {
  return pageLanguage() === 'en' ? block.message : (errorWords(block.code) ?? block.message);
}

/**
 * What the clerk needs to know before the first scan (issue 15): items overdue, holds waiting on the
 * shelf, money owed, the card's expiry, and every block that would refuse a check-out now, each saying
 * whether a senior member of staff may lend past it. A card that has expired or expires within 30 days
 * is offered for renewal once the clerk has re-verified the patron (CB-F2). A card locked after failed
 * PINs says until when (a new PIN unlocks it).
 */
export function AccountSummary({ account, forAccount }: { account: Account; forAccount: boolean }) {
  const t = useT();
  const session = useSession();
  const desk = useDesk();
  const { run, busy, error } = useAction();
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [guardianCard, setGuardianCard] = useState('');
  const summary = account.summary;
  if (!summary) return null;
  const canRenewCard = session.can('patron.renew-card') && forAccount && account.patron.status !== 'deceased';
  const guardianNeeded = (summary.deskFlags ?? []).includes('guardian-needed');
  const canLinkGuardian = guardianNeeded && session.can('patron.update') && forAccount && account.patron.status !== 'deceased';
  const offerRenewal = canRenewCard && (summary.cardExpired || summary.cardExpiresSoon);

  const renewCard = async () => {
    setNotice(undefined);
    const renewed = await run(() => api<RenewedCard>('POST', `/patrons/${encodeURIComponent(account.patron.id)}/renew-card`, { verified: true }));
    if (renewed) {
      setNotice(t('deskhome.summary.cardRenewed', { expires: day(renewed.expiresAt) }));
      await desk.reload().catch(() => undefined);
    }
  };

  const linkGuardian = async (guardianCardNumber: string) => {
    setNotice(undefined);
    const linked = await run(() => api<{ startedAt: string }>('POST', `/patrons/${encodeURIComponent(account.patron.id)}/guardians`, { guardianCardNumber }));
    if (linked) {
      setGuardianCard('');
      setNotice(t('deskhome.summary.guardianLinked'));
      await desk.reload().catch(() => undefined);
    }
  };

  const card = summary.cardExpired
    ? { text: t('deskhome.summary.card.expired', { date: day(summary.cardExpiresAt) }), warn: true }
    : summary.cardExpiresSoon
      ? { text: t('deskhome.summary.card.expiresSoon', { date: day(summary.cardExpiresAt), days: daysUntil(summary.cardExpiresAt) }), warn: true }
      : { text: t('deskhome.summary.card.validUntil', { date: day(summary.cardExpiresAt) }), warn: false };

  return (
    <section className="account-summary" aria-labelledby="account-summary-heading">
      <h3 id="account-summary-heading">{t('deskhome.summary.heading')}</h3>
      <ul className="summary-facts">
        <li className={summary.overdueItems > 0 ? 'warn' : undefined}>
          {tRich('deskhome.summary.overdue', { count: summary.overdueItems, figure })}
        </li>
        <li className={summary.holdsWaiting > 0 ? 'good' : undefined}>
          {tRich('deskhome.summary.holdsWaiting', { count: summary.holdsWaiting, figure })}
        </li>
        <li className={summary.balanceCents > 0 ? 'warn' : undefined}>
          {tRich('deskhome.summary.owed', { amount: money(summary.balanceCents), figure })}
        </li>
        <li className={card.warn ? 'warn' : undefined}>{t('deskhome.summary.card', { card: card.text })}</li>
        {summary.cardLockedUntil && <li className="warn">{t('deskhome.summary.cardLocked', { at: moment(summary.cardLockedUntil) })}</li>}
      </ul>
      {summary.blocks.length > 0 ? (
        <div className="blocks" role="note" aria-label={t('deskhome.summary.blocks.label')}>
          <p>
            <strong>{t('deskhome.summary.blocks.heading')}</strong>
          </p>
          <ul>
            {summary.blocks.map((block) => (
              <li key={block.code}>
                {blockWords(block)} <span className="code">({block.code})</span>
                {block.overridable && session.can('circulation.override') && <span className="hint"> {t('deskhome.summary.blocks.overridable')}</span>}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="hint">{t('deskhome.summary.noBlocks')}</p>
      )}
      {guardianNeeded && (
        <div className="blocks guardian-needed" role="note" aria-label={t('deskhome.summary.guardianNeeded.label')}>
          <p className="warn">{t('deskhome.summary.guardianNeeded')}</p>
          {canLinkGuardian && (
            <form
              onSubmit={(event) => {
                event.preventDefault();
                if (guardianCard.trim() !== '') void linkGuardian(guardianCard.trim());
              }}
            >
              <Field label={t('deskhome.summary.guardianCard')} value={guardianCard} onChange={(e) => setGuardianCard(e.target.value)} autoComplete="off" inputMode="text" />
              <button type="submit" disabled={busy || guardianCard.trim() === ''}>
                {t('deskhome.summary.linkGuardian')}
              </button>
            </form>
          )}
        </div>
      )}
      {offerRenewal && (
        <div className="renew-card">
          <p>{t('deskhome.summary.renewPrompt')}</p>
          <button type="button" disabled={busy} onClick={() => void renewCard()}>
            {t('deskhome.summary.renewCard')}
          </button>
        </div>
      )}
      <ErrorMessage error={error} />
      <Notice>{notice}</Notice>
    </section>
  );
}
