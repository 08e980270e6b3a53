import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { useT, type MessageId } from '../i18n';
import { aboutField, day, ErrorMessage, Field, Notice, useAction } from '../ui/components';
import type { PatronView } from '../../../src/http/schemas/common';

type Editable = 'name' | 'address' | 'email' | 'phone';
const EDITABLE: Editable[] = ['name', 'address', 'email', 'phone'];

/**
 * Corrects the patron's name and contact details (PATCH /me), sending only what changed; an emptied
 * optional field removes it. What the patron typed stays in the form when Carrel refuses, with the
 * problem beside the field it is about. The birth date is not here: staff correct it at the desk.
 */
export function CorrectDetails({ patron, onSaved }: { patron: PatronView; onSaved: () => void }) {
  const t = useT();
  const initial = () => ({ name: patron.name, address: patron.address ?? '', email: patron.email ?? '', phone: patron.phone ?? '' });
  const [form, setForm] = useState<Record<Editable, string>>(initial);
  // The message's id, so that it reads in the page's language even after a switch.
  const [saved, setSaved] = useState<MessageId | null>(null);
  const { run, busy, error } = useAction();
  const problem = (field: Editable) => aboutField(error, field);
  const set = (field: Editable) => (event: { target: { value: string } }) => {
    setSaved(null);
    setForm((f) => ({ ...f, [field]: event.target.value }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    const current = initial();
    const change: Partial<Record<Editable, string | null>> = {};
    for (const field of EDITABLE) {
      const value = form[field].trim();
      if (value === current[field].trim()) continue;
      change[field] = field === 'name' ? value : value === '' ? null : value;
    }
    if (Object.keys(change).length === 0) {
      setSaved('account.details.nothingChanged');
      return;
    }
    const answer = await run(() => api<PatronView>('PATCH', '/me', change));
    if (answer) {
      setForm({ name: answer.name, address: answer.address ?? '', email: answer.email ?? '', phone: answer.phone ?? '' });
      setSaved('account.details.saved');
      onSaved();
    }
  };

  return (
    <section className="portal-section" aria-labelledby="data-correct">
      <h2 id="data-correct">{t('account.details.heading')}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="portal-two">
          <Field label={t('account.details.name')} name="name" autoComplete="name" required value={form.name} onChange={set('name')} error={problem('name')} />
          <Field label={t('account.details.address')} name="address" autoComplete="street-address" value={form.address} onChange={set('address')} error={problem('address')} />
          <Field label={t('account.details.email')} name="email" type="email" autoComplete="email" value={form.email} onChange={set('email')} error={problem('email')} />
          <Field label={t('account.details.phone')} name="phone" type="tel" autoComplete="tel" value={form.phone} onChange={set('phone')} error={problem('phone')} />
        </div>
        <p className="hint">{t('account.details.hint', { birthDate: day(patron.birthDate) })}</p>
        <ErrorMessage error={error} />
        <Notice>{saved ? t(saved) : null}</Notice>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t('account.details.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
