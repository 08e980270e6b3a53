import { useId, useLayoutEffect, useRef, type ReactNode } from 'react';

/**
 * A modal dialog (the native <dialog>, opened with showModal): the rest of the page is inert behind it,
 * focus moves into it and goes back where it was when it closes. Its content exists only while it is
 * open. Escape does not close it (the caller may act on it with `onCancel`): what it asks needs an answer.
 */
export function Modal({
  open,
  title,
  description,
  onCancel,
  className,
  role,
  children,
}: {
  open: boolean;
  title: string;
  description?: ReactNode;
  onCancel?: () => void;
  className?: string;
  role?: 'dialog' | 'alertdialog';
  children?: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    else if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className={className}
      role={role === 'alertdialog' ? 'alertdialog' : undefined}
      aria-labelledby={`${id}-title`}
      aria-describedby={description ? `${id}-about` : undefined}
      onCancel={(event) => {
        event.preventDefault();
        onCancel?.();
      }}
      onClose={() => {
        // Closed some other way (a browser's repeated Escape) while it still has a question: open again.
        if (open && ref.current && !ref.current.open) ref.current.showModal();
      }}
    >
      {open && (
        <>
          <h2 id={`${id}-title`}>{title}</h2>
          {description && <div id={`${id}-about`}>{typeof description === 'string' ? <p>{description}</p> : description}</div>}
          {children}
        </>
      )}
    </dialog>
  );
}
