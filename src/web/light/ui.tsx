import { createContext, useContext, useId, type ButtonHTMLAttributes, type ReactNode } from 'react';
import { useI18n } from '../app/i18n.js';

/**
 * The light pages' building blocks: native controls (the phone's own pickers, keyboards and screen reader know them)
 * wrapped with a label, a hint and an error that are tied to the control for assistive technology.
 */

/** The page frame: one h1, a language switch, and the page's content in `main`. */
export function LightPage({ title, wide, children, footer }: { title: string; wide?: boolean; children: ReactNode; footer?: ReactNode }) {
  const { t, lang, setLang } = useI18n();
  return (
    <div className={wide ? 'fq-page fq-page--wide' : 'fq-page'}>
      <header className="fq-header">
        <h1>{title}</h1>
        <button
          type="button"
          className="fq-button fq-button--small"
          onClick={() => setLang(lang === 'zh-CN' ? 'en-US' : 'zh-CN')}
          lang={lang === 'zh-CN' ? 'en' : 'zh-CN'}
        >
          {t('app.language')}
        </button>
      </header>
      <main>{children}</main>
      {footer && <footer className="fq-footer">{footer}</footer>}
    </div>
  );
}

const FieldContext = createContext<{ id: string; describedBy?: string; invalid: boolean } | null>(null);

/** A labelled control; its hint and error are announced with it. */
export function Field({
  label,
  hint,
  error,
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  children: ReactNode;
}) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <FieldContext.Provider value={{ id, describedBy, invalid: !!error }}>
      <div className="fq-field">
        <label htmlFor={id}>{label}</label>
        {children}
        {hint && (
          <div className="fq-hint" id={`${id}-hint`}>
            {hint}
          </div>
        )}
        {error && (
          <div className="fq-error" id={`${id}-error`} role="alert">
            {error}
          </div>
        )}
      </div>
    </FieldContext.Provider>
  );
}

/** The props that tie a control to its Field (id, description, invalid state). */
export function useFieldProps() {
  const f = useContext(FieldContext);
  if (!f) throw new Error('control outside Field');
  return { id: f.id, 'aria-describedby': f.describedBy, 'aria-invalid': f.invalid || undefined };
}

/** A group of radio choices with a legend (kind of matter, answers of a scale). */
export function Choices<T extends string | number>({
  legend,
  name,
  value,
  options,
  onChange,
  large,
}: {
  legend: ReactNode;
  name: string;
  value: T | undefined;
  options: { value: T; label: string }[];
  onChange: (v: T) => void;
  large?: boolean;
}) {
  return (
    <div className="fq-field">
      <fieldset>
        <legend>{legend}</legend>
        <div className="fq-choices">
          {options.map((o) => (
            <label key={String(o.value)} className="fq-choice" style={large ? { fontSize: 18, padding: '10px 16px' } : undefined}>
              <input type="radio" name={name} value={String(o.value)} checked={value === o.value} onChange={() => onChange(o.value)} />
              {o.label}
            </label>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

export function Button({
  kind,
  size,
  block,
  busy,
  children,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { kind?: 'primary'; size?: 'small'; block?: boolean; busy?: boolean }) {
  const cls = ['fq-button', kind === 'primary' && 'fq-button--primary', size === 'small' && 'fq-button--small', block && 'fq-button--block']
    .filter(Boolean)
    .join(' ');
  return (
    <button type="button" className={cls} aria-busy={busy || undefined} disabled={busy || rest.disabled} {...rest}>
      {busy ? '…' : null}
      {children}
    </button>
  );
}

/** A message box; errors are announced at once, other notices politely. */
export function Notice({
  kind,
  children,
  ...rest
}: {
  kind: 'info' | 'success' | 'warning' | 'error';
  children: ReactNode;
  'data-testid'?: string;
}) {
  return (
    <div className={`fq-notice fq-notice--${kind}`} role={kind === 'error' ? 'alert' : 'status'} {...rest}>
      {children}
    </div>
  );
}

/** Where the person is in a short process (phone → report → receipt). */
export function Steps({ current, items }: { current: number; items: string[] }) {
  return (
    <ol className="fq-steps">
      {items.map((s, i) => (
        <li key={s} aria-current={i === current ? 'step' : undefined} className={i < current ? 'fq-done' : undefined}>
          {s}
        </li>
      ))}
    </ol>
  );
}
