import { useId, useState } from 'react';
import { api, query } from '../api';
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
  const session = useSession();
  return (
    <Page title="Hold shelf">
      <DeskNav />
      {session.can('holds.shelf') ? <Shelf /> : <NotForRole what="The hold shelf" />}
    </Page>
  );
}

function Shelf() {
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
  if (!library) return <p className="loading">Loading…</p>;
  const entries = shelf.data ?? [];

  return (
    <>
      <p>Each item is labelled with its shelf code; the patron who asked for it is never shown here. The patron sees the same code with their hold.</p>
      <LibraryBranchPicker libraries={libraries} library={library} branch={branch} onLibrary={setLibraryId} onBranch={setBranch} />
      <ErrorMessage error={shelf.error} />
      {shelf.loading && !shelf.data ? (
        <p className="loading">Loading…</p>
      ) : entries.length === 0 ? (
        <p>No items are waiting on the hold shelf.</p>
      ) : (
        <div className="table-scroll">
          <table aria-describedby={`${id}-count`}>
            <caption id={`${id}-count`}>
              {entries.length === 1 ? 'One item waiting' : `${entries.length} items waiting`}
              {branch ? ` at ${desk.branchName(branch)}` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Shelf code</th>
                <th scope="col">Title</th>
                <th scope="col">Item barcode</th>
                <th scope="col">Branch</th>
                <th scope="col">On the shelf since</th>
                <th scope="col">Pick up by</th>
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
                    {day(entry.pickupBy)} {isPast(entry.pickupBy) && <span className="badge warn">Past its deadline</span>}
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
