import { useState } from 'react';
import { useLocation } from 'react-router';
import { api } from '../api';
import { ErrorMessage, Notice, Page, useAction } from '../ui/components';

/**
 * `/app/unsubscribe#<token>` (public, no log-in): the link at the foot of a mailing, such as news of a
 * change to the privacy policy (RR-3, RF-8). The token is read from the fragment, which the browser never
 * sends to a server (so it is in no access log), and posted only when the patron presses the button: a
 * mail scanner that opens the link unsubscribes no one.
 */
export function UnsubscribePage() {
  const token = useLocation().hash.replace(/^#/, '');
  const [done, setDone] = useState(false);
  const { run, busy, error } = useAction();
  const unsubscribe = async () => {
    const answer = await run(() => api<{ unsubscribed: true }>('POST', '/unsubscribe', { token }));
    if (answer) setDone(true);
  };

  if (done)
    return (
      <Page title="You are unsubscribed">
        <Notice>
          <p>The library will not email you about changes to its privacy policy, nor send you its mailings.</p>
        </Notice>
        <p>Notices about your own account (a hold ready, an item overdue) come as you chose in your account’s privacy settings. Notices the law requires still come.</p>
      </Page>
    );
  return (
    <Page title="Unsubscribe">
      {token === '' ? (
        <p>This page needs the whole link from the message. Copy all of it, including the part after the # sign, into the address bar.</p>
      ) : (
        <>
          <p>Stop the library’s mailings to you: emails about changes to its privacy policy, and its newsletters. Notices about your own account are not affected.</p>
          <ErrorMessage error={error} />
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void unsubscribe()}>
              Unsubscribe
            </button>
          </div>
        </>
      )}
    </Page>
  );
}
