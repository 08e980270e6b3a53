import { useState } from 'react';
import { useLocation } from 'react-router';
import { api } from '../api';
import { useT } from '../i18n';
import { ErrorMessage, Notice, Page, useAction } from '../ui/components';

/**
 * `/app/unsubscribe#<token>` (public, no log-in): the link at the foot of a mailing, such as news of a
 * change to the privacy policy (RR-3, RF-8). The token is read from the fragment, which the browser never
 * sends to a server (so it is in no access log), and posted only when the patron presses the button: a
 * mail scanner that opens the link unsubscribes no one.
 */
export function UnsubscribePage() {
  const t = useT();
  const token = useLocation().hash.replace(/^#/, '');
  const [done, setDone] = useState(false);
  const { run, busy, error } = useAction();
  const unsubscribe = async () => {
    const answer = await run(() => api<{ unsubscribed: true }>('POST', '/unsubscribe', { token }));
    if (answer) setDone(true);
  };

  if (done)
    return (
      <Page title={t('start.unsubscribe.doneTitle')}>
        <Notice>
          <p>{t('start.unsubscribe.done')}</p>
        </Notice>
        <p>{t('start.unsubscribe.accountNotices')}</p>
      </Page>
    );
  return (
    <Page title={t('start.unsubscribe.title')}>
      {token === '' ? (
        <p>{t('start.unsubscribe.noToken')}</p>
      ) : (
        <>
          <p>{t('start.unsubscribe.about')}</p>
          <ErrorMessage error={error} />
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void unsubscribe()}>
              {t('start.unsubscribe.submit')}
            </button>
          </div>
        </>
      )}
    </Page>
  );
}
