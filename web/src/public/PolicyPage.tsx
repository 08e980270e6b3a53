import { useParams } from 'react-router';
import { Page } from '../ui/components';

/** The library's published privacy policy (public, no log-in). */
export function PolicyPage() {
  const { libraryId } = useParams();
  return <Page title="Privacy policy">Library {libraryId}</Page>;
}
