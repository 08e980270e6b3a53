import { useT } from '../i18n';
import { Select } from '../ui/components';
import type { Branch, Library } from './types';

/**
 * The library and branch a desk page shows (the hold shelf, the staff lists): a library list only when
 * the staff member reaches several, a branch list only when the library has several. Choosing another
 * library clears the branch.
 */
export function LibraryBranchPicker({
  libraries,
  library,
  branch,
  onLibrary,
  onBranch,
}: {
  libraries: Library[];
  library: Library;
  branch: string;
  onLibrary: (libraryId: string) => void;
  onBranch: (branch: string) => void;
}) {
  const t = useT();
  const branches: Branch[] = library.branches;
  return (
    <>
      {libraries.length > 1 && (
        <div className="narrow">
          <Select
            label={t('deskhome.picker.library')}
            name="library"
            value={library.id}
            onChange={(e) => {
              onLibrary(e.target.value);
              onBranch('');
            }}
            options={libraries.map((l) => ({ value: l.id, label: l.name }))}
          />
        </div>
      )}
      {branches.length > 1 && (
        <div className="narrow">
          <Select
            label={t('deskhome.picker.branch')}
            name="branch"
            value={branch}
            onChange={(e) => onBranch(e.target.value)}
            options={[{ value: '', label: t('deskhome.picker.allBranches') }, ...branches.map((b) => ({ value: b.code, label: b.name }))]}
          />
        </div>
      )}
    </>
  );
}
