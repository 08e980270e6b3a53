import { useId, useState } from 'react';
import { api, query } from '../api';
import { useT } from '../i18n';
import { useSession } from '../session';
import { day, ErrorMessage, Page, useLoad } from '../ui/components';
import { useDesk } from './desk-context';
import { LibraryBranchPicker } from './LibraryBranchPicker';
import { DeskNav, NotForRole } from './DeskNav';
import type { ShelfEntry } from './types';
import { isPast } from '../ui/words';

/**
 * `/desk/hold-shelf`: the items waiting for pick-up, with their shelf codes and deadlines; never the
 * patron. What a volunteer shelving holds needs, and all they see.
 */
export function HoldShelf() {
  const t = useT();
  const session = useSession();
  return (
    <Page title={t('deskhome.shelf.title')}>
      <DeskNav />
      {session.can('holds.shelf') ? <Shelf /> : <NotForRole what={t('deskhome.shelf.notForRole')} />}
    </Page>
  );
}

function Shelf() {
  const t = useT();
  const desk = useDesk();
  const id = useId();
  const [branch, setBranch] = useState('');
  const [libraryId, setLibraryId] = useState('');
  const libraries = desk.libraries ?? [];
  const library = libraries.find((l) => l.id === libraryId) ?? desk.library;
  const shelf = useLoad(
    () => (library ? api<ShelfEntry[]>('GET', `/libraries/${encodeURIComponent(library.id)}/hold-shelf${query({ branch })}`) : Promise.resolve(undefined)),
    [library?.id, branch],
  );

  if (desk.librariesError) return <ErrorMessage error={desk.librariesError} />;
  if (!library) return <p className="loading">{t('common.loading')}</p>;
  const entries = shelf.data ?? [];

  return (
    <>
      <p>{t('deskhome.shelf.intro')}</p>
      <LibraryBranchPicker libraries={libraries} library={library} branch={branch} onLibrary={setLibraryId} onBranch={setBranch} />
      <ErrorMessage error={shelf.error} />
      {shelf.loading && !shelf.data ? (
        <p className="loading">{t('common.loading')}</p>
      ) : entries.length === 0 ? (
        <p>{t('deskhome.shelf.empty')}</p>
      ) : (
        <div className="table-scroll" tabIndex={0}>
          <table aria-describedby={`${id}-count`}>
            <caption id={`${id}-count`}>
              {branch
                ? t('deskhome.shelf.waitingAt', { count: entries.length, branch: desk.branchName(branch) })
                : t('deskhome.shelf.waiting', { count: entries.length })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('deskhome.shelf.col.shelfCode')}</th>
                <th scope="col">{t('deskhome.shelf.col.title')}</th>
                <th scope="col">{t('deskhome.shelf.col.itemBarcode')}</th>
                <th scope="col">{t('deskhome.shelf.col.branch')}</th>
                <th scope="col">{t('deskhome.shelf.col.since')}</th>
                <th scope="col">{t('deskhome.shelf.col.pickUpBy')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={`${entry.shelfCode}-${entry.itemBarcode}`}>
                  <td className="shelf-code">{entry.shelfCode}</td>
                  <td>{entry.title}</td>
                  <td className="barcode">{entry.itemBarcode}</td>
                  <td>{desk.branchName(entry.branchCode)}</td>
                  <td>{day(entry.readyAt)}</td>
                  <td>
                    {day(entry.pickupBy)} {isPast(entry.pickupBy) && <span className="badge warn">{t('deskhome.shelf.pastDeadline')}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
