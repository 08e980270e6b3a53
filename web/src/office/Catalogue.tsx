import { useState, type FormEvent } from 'react';
import { api, query } from '../api';
import { ErrorMessage, Field, Notice, Page, Select, aboutField, money, useAction } from '../ui/components';
import { useLibrary, when } from './common';

/** An item, as POST /items and GET /items/:barcode answer it. */
interface Item {
  id: string;
  libraryId: string;
  branchId: string;
  barcode: string;
  title: string;
  author: string | null;
  isbn: string | null;
  itemType: string;
  status: string;
  replacementCostCents: number | null;
  createdAt: string;
}

/** The statuses an item may be added with (src/domain/types.ts ITEM_STATUSES). */
const STATUSES = ['available', 'on-loan', 'on-hold-shelf', 'lost', 'missing', 'withdrawn'];

/** The catalogue (items.manage): add an item, look one up by barcode (a barcode is not personal data). */
export function CataloguePage() {
  const [notice, setNotice] = useState<string | undefined>(undefined);
  return (
    <Page title="Catalogue">
      <p>Add items to the library’s catalogue and look one up by its barcode. Items carry no patron data.</p>
      <Notice>{notice}</Notice>
      <FindItem />
      <AddItem onAdded={(item) => setNotice(`${item.title} (${item.barcode}) is in the catalogue.`)} />
    </Page>
  );
}

function FindItem() {
  const library = useLibrary();
  const [barcode, setBarcode] = useState('');
  const [item, setItem] = useState<Item | undefined>(undefined);
  const { run, busy, error } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setItem(undefined);
    const found = await run(() => api<Item>('GET', `/items/${encodeURIComponent(barcode.trim())}${query({ library: library.id })}`));
    if (found) setItem(found);
  };
  return (
    <section aria-labelledby="catalogue-find">
      <h2 id="catalogue-find">Look up an item</h2>
      <form className="office-form narrow" onSubmit={(e) => void submit(e)}>
        <Field label="Barcode to look up" name="findBarcode" required maxLength={32} autoComplete="off" spellCheck={false} value={barcode} onChange={(e) => setBarcode(e.target.value)} error={aboutField(error, 'barcode')} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          Look it up
        </button>
      </form>
      {item && <ItemDetails item={item} heading={`Item ${item.barcode}`} />}
    </section>
  );
}

function ItemDetails({ item, heading }: { item: Item; heading: string }) {
  return (
    <>
      <h3>{heading}</h3>
      <dl className="item-details">
      <dt>Barcode</dt>
      <dd>{item.barcode}</dd>
      <dt>Title</dt>
      <dd>{item.title}</dd>
      <dt>Author</dt>
      <dd>{item.author ?? '—'}</dd>
      <dt>ISBN</dt>
      <dd>{item.isbn ?? '—'}</dd>
      <dt>Type</dt>
      <dd>{item.itemType}</dd>
      <dt>Branch</dt>
      <dd>{item.branchId}</dd>
      <dt>Status</dt>
      <dd>{item.status}</dd>
      <dt>Replacement cost</dt>
      <dd>{money(item.replacementCostCents)}</dd>
      <dt>Added</dt>
      <dd>{when(item.createdAt)}</dd>
      </dl>
    </>
  );
}

function AddItem({ onAdded }: { onAdded: (item: Item) => void }) {
  const library = useLibrary();
  const empty = { barcode: '', title: '', author: '', isbn: '', itemType: '', branch: '', status: 'available', cost: '' };
  const [form, setForm] = useState(empty);
  const [added, setAdded] = useState<Item | undefined>(undefined);
  const { run, busy, error } = useAction();
  const set = (key: keyof typeof empty) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setAdded(undefined);
    const cost = form.cost.trim();
    const item = await run(() =>
      api<Item>('POST', '/items', {
        libraryId: library.id,
        barcode: form.barcode.trim(),
        title: form.title.trim(),
        author: form.author.trim() || null,
        isbn: form.isbn.trim() || null,
        ...(form.itemType.trim() ? { itemType: form.itemType.trim() } : {}),
        ...(form.branch.trim() ? { branch: form.branch.trim() } : {}),
        status: form.status,
        replacementCostCents: cost ? Math.round(Number(cost) * 100) : null,
      }),
    );
    if (item) {
      setForm(empty);
      setAdded(item);
      onAdded(item);
    }
  };
  return (
    <section aria-labelledby="catalogue-add">
      <h2 id="catalogue-add">Add an item</h2>
      <form className="office-form" onSubmit={(e) => void submit(e)}>
        <Field label="Barcode of the new item" hint="Letters, digits and dashes." name="addBarcode" required maxLength={32} autoComplete="off" spellCheck={false} value={form.barcode} onChange={set('barcode')} error={aboutField(error, 'barcode')} />
        <Field label="Title" name="addTitle" required maxLength={500} autoComplete="off" value={form.title} onChange={set('title')} error={aboutField(error, 'title')} />
        <Field label="Author (optional)" name="addAuthor" maxLength={300} autoComplete="off" value={form.author} onChange={set('author')} error={aboutField(error, 'author')} />
        <Field label="ISBN (optional)" name="addIsbn" maxLength={20} autoComplete="off" value={form.isbn} onChange={set('isbn')} error={aboutField(error, 'isbn')} />
        <Field label="Item type (optional)" hint="A code such as book or dvd; book if left empty." name="addType" maxLength={32} autoComplete="off" value={form.itemType} onChange={set('itemType')} error={aboutField(error, 'itemType')} />
        <Field label="Branch (optional)" hint="A branch id or code; the library’s first branch if left empty." name="addBranch" maxLength={64} autoComplete="off" value={form.branch} onChange={set('branch')} error={aboutField(error, 'branch')} />
        <Select label="Status" name="addStatus" value={form.status} onChange={set('status')} options={STATUSES.map((s) => ({ value: s, label: s }))} error={aboutField(error, 'status')} />
        <Field label="Replacement cost (optional)" name="addCost" type="number" min={0} step="0.01" value={form.cost} onChange={set('cost')} error={aboutField(error, 'replacementCostCents')} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          Add the item
        </button>
      </form>
      {added && <ItemDetails item={added} heading={`Added: item ${added.barcode}`} />}
    </section>
  );
}
