import { useId } from 'react';
import { CATALOGUES } from '../i18n/catalogues';
import { useLanguage, useT } from '../i18n';

/**
 * The language switch on every page: each language named in itself (and marked with its `lang`, so a
 * screen reader says "Español" in Spanish). Nothing to switch when the library offers one language.
 */
export function LanguageSwitch() {
  const t = useT();
  const id = useId();
  const { language, offered, choose } = useLanguage();
  if (offered.length < 2) return null;
  return (
    <div className="language-switch">
      <label htmlFor={id}>{t('common.language.label')}</label>
      <select id={id} value={language} onChange={(e) => choose(e.target.value)}>
        {offered.map((l) => (
          <option key={l} value={l} lang={l}>
            {CATALOGUES[l]?.['common.meta.name'] ?? l}
          </option>
        ))}
      </select>
    </div>
  );
}
