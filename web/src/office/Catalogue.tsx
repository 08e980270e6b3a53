import { useState, type FormEvent } from 'react';
import { api, query } from '../api';
import { useT, wordFor, type MessageId } from '../i18n';
import { ErrorMessage, Field, Notice, Page, Select, aboutField, money, useAction } from '../ui/components';
import { branchName, useLibrary, when } from './common';

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

/** An item's status in words; an unknown code as it is. */
const STATUS_WORDS: Record<string, MessageId> = {
  available: 'officerecords.catalogue.status.available',
  'on-loan': 'officerecords.catalogue.status.onLoan',
  'on-hold-shelf': 'officerecords.catalogue.status.onHoldShelf',
  lost: 'officerecords.catalogue.status.lost',
  missing: 'officerecords.catalogue.status.missing',
  withdrawn: 'officerecords.catalogue.status.withdrawn',
};

function statusName(code: string): string {
  return wordFor(STATUS_WORDS, code);
}

/** The catalogue (items.manage): add an item, look one up by barcode (a barcode is not personal data). */
export function CataloguePage() {
  const t = useT();
  const [notice, setNotice] = useState<string | undefined>(undefined);
  return (
    <Page title={t('officerecords.catalogue.title')}>
      <p>{t('officerecords.catalogue.intro')}</p>
      <Notice>{notice}</Notice>
      <FindItem />
      <AddItem onAdded={(item) => setNotice(t('officerecords.catalogue.added', { title: item.title, barcode: item.barcode }))} />
    </Page>
  );
}

function FindItem() {
  const t = useT();
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
      <h2 id="catalogue-find">{t('officerecords.catalogue.find')}</h2>
      <form className="office-form narrow" onSubmit={(e) => void submit(e)}>
        <Field label={t('officerecords.catalogue.find.barcode')} name="findBarcode" required maxLength={32} autoComplete="off" spellCheck={false} value={barcode} onChange={(e) => setBarcode(e.target.value)} error={aboutField(error, 'barcode')} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {t('officerecords.catalogue.find.submit')}
        </button>
      </form>
      {item && <ItemDetails item={item} heading={t('officerecords.catalogue.item', { barcode: item.barcode })} />}
    </section>
  );
}

function ItemDetails({ item, heading }: { item: Item; heading: string }) {
  const t = useT();
  const library = useLibrary();
  return (
    <>
      <h3>{heading}</h3>
      <dl className="item-details">
      <dt>{t('officerecords.catalogue.barcode')}</dt>
      <dd>{item.barcode}</dd>
      <dt>{t('officerecords.catalogue.itemTitle')}</dt>
      <dd>{item.title}</dd>
      <dt>{t('officerecords.catalogue.author')}</dt>
      <dd>{item.author ?? '—'}</dd>
      <dt>{t('officerecords.catalogue.isbn')}</dt>
      <dd>{item.isbn ?? '—'}</dd>
      <dt>{t('officerecords.catalogue.type')}</dt>
      <dd>{item.itemType}</dd>
      <dt>{t('officerecords.catalogue.branch')}</dt>
      <dd>{branchName(library, item.branchId)}</dd>
      <dt>{t('officerecords.catalogue.status')}</dt>
      <dd>{statusName(item.status)}</dd>
      <dt>{t('officerecords.catalogue.replacementCost')}</dt>
      <dd>{money(item.replacementCostCents)}</dd>
      <dt>{t('officerecords.catalogue.addedAt')}</dt>
      <dd>{when(item.createdAt)}</dd>
      </dl>
    </>
  );
}

function AddItem({ onAdded }: { onAdded: (item: Item) => void }) {
  const t = useT();
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
      <h2 id="catalogue-add">{t('officerecords.catalogue.add')}</h2>
      <form className="office-form" onSubmit={(e) => void submit(e)}>
        <Field label={t('officerecords.catalogue.add.barcode')} hint={t('officerecords.catalogue.add.barcode.hint')} name="addBarcode" required maxLength={32} autoComplete="off" spellCheck={false} value={form.barcode} onChange={set('barcode')} error={aboutField(error, 'barcode')} />
        <Field label={t('officerecords.catalogue.itemTitle')} name="addTitle" required maxLength={500} autoComplete="off" value={form.title} onChange={set('title')} error={aboutField(error, 'title')} />
        <Field label={t('officerecords.catalogue.add.author')} name="addAuthor" maxLength={300} autoComplete="off" value={form.author} onChange={set('author')} error={aboutField(error, 'author')} />
        <Field label={t('officerecords.catalogue.add.isbn')} name="addIsbn" maxLength={20} autoComplete="off" value={form.isbn} onChange={set('isbn')} error={aboutField(error, 'isbn')} />
        <Field label={t('officerecords.catalogue.add.type')} hint={t('officerecords.catalogue.add.type.hint')} name="addType" maxLength={32} autoComplete="off" value={form.itemType} onChange={set('itemType')} error={aboutField(error, 'itemType')} />
        <Field label={t('officerecords.catalogue.add.branch')} hint={t('officerecords.catalogue.add.branch.hint')} name="addBranch" maxLength={64} autoComplete="off" value={form.branch} onChange={set('branch')} error={aboutField(error, 'branch')} />
        <Select label={t('officerecords.catalogue.status')} name="addStatus" value={form.status} onChange={set('status')} options={STATUSES.map((s) => ({ value: s, label: statusName(s) }))} error={aboutField(error, 'status')} />
        <Field label={t('officerecords.catalogue.add.cost')} name="addCost" type="number" min={0} step="0.01" value={form.cost} onChange={set('cost')} error={aboutField(error, 'replacementCostCents')} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {t('officerecords.catalogue.add.submit')}
        </button>
      </form>
      {added && <ItemDetails item={added} heading={t('officerecords.catalogue.addedItem', { barcode: added.barcode })} />}
    </section>
  );
}
