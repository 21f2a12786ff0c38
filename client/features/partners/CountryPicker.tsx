import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useI18n } from '../../i18n';
import { countryCandidates, countryOptions, exactCountry, isCountryCode } from '../../../shared/countries';
import { Flag } from './Flag';
import './partners.css';

interface CountryPickerProps {
  /** The form field the chosen code is submitted as (a hidden input: empty until a country is chosen). */
  name: string;
  label: string;
  /** The code chosen when the form opens (editing a partner). */
  defaultValue?: string;
  /** A message from the form (e.g. nothing chosen on submit). */
  error?: string | undefined;
  required?: boolean;
  /** Told of every choice (a code) or un-choice (null). */
  onChange?(code: string | null): void;
}

/**
 * A country field (CTRY4): an ARIA 1.2 combobox with type-ahead over the country names
 * in the reader's language (Intl.DisplayNames) and the codes. Typed text is never cut
 * into a code: the field holds a country only when one is picked from the list, or on
 * leaving the field when the text is exactly one country's name. Otherwise it says so
 * and submits nothing.
 */
export function CountryPicker({ name, label, defaultValue, error, required, onChange }: CountryPickerProps) {
  const { t, locale } = useI18n();
  const options = useMemo(() => countryOptions(locale), [locale]);
  const nameOf = (code: string) => options.find((o) => o.code === code)?.name ?? code;
  const initial = defaultValue && isCountryCode(defaultValue.toUpperCase()) ? defaultValue.toUpperCase() : null;
  const [code, setCode] = useState<string | null>(initial);
  const [text, setText] = useState(initial ? nameOf(initial) : (defaultValue ?? ''));
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [unresolved, setUnresolved] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const inputId = `${id}-input`;
  const listId = `${id}-list`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const candidates = useMemo(() => countryCandidates(text, options, 12), [text, options]);

  // The form's reset (after adding a partner) empties the field too.
  useEffect(() => {
    const form = input.current?.form;
    if (!form) return;
    const reset = () => {
      setCode(null);
      setText('');
      setUnresolved(false);
      setOpen(false);
    };
    form.addEventListener('reset', reset);
    return () => form.removeEventListener('reset', reset);
  }, []);

  function choose(next: string | null, shown: string) {
    setCode(next);
    setText(shown);
    setUnresolved(false);
    setOpen(false);
    onChange?.(next);
  }

  function typed(value: string) {
    setText(value);
    setOpen(true);
    setActive(0);
    setUnresolved(false);
    if (code !== null && value !== nameOf(code)) {
      setCode(null);
      onChange?.(null);
    }
  }

  function leave() {
    setOpen(false);
    if (code !== null || text.trim() === '') return setUnresolved(false);
    const exact = exactCountry(text, options);
    if (exact) choose(exact, nameOf(exact));
    else setUnresolved(true);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        if (!open) setOpen(true);
        else setActive((i) => Math.min(i + 1, candidates.length - 1));
        return;
      case 'ArrowUp':
        e.preventDefault();
        if (!open) setOpen(true);
        else setActive((i) => Math.max(i - 1, 0));
        return;
      case 'Enter': {
        if (!open) return;
        const pick = candidates[active];
        e.preventDefault();
        if (pick) choose(pick.code, pick.name);
        return;
      }
      case 'Escape':
        if (open) {
          e.preventDefault();
          setOpen(false);
        }
        return;
      default:
        return;
    }
  }

  const shownError = error ?? (unresolved ? t('country.pick') : undefined);
  const expanded = open && candidates.length > 0;
  const activeId = expanded && candidates[active] ? `${id}-opt-${candidates[active].code}` : undefined;
  return (
    <div className="field country-picker">
      <label htmlFor={inputId}>{label}</label>
      <div className="country-picker__box">
        {code && <Flag country={code} />}
        <input
          ref={input}
          id={inputId}
          type="text"
          role="combobox"
          autoComplete="off"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={activeId}
          aria-invalid={shownError ? true : undefined}
          aria-describedby={shownError ? errorId : hintId}
          aria-required={required || undefined}
          placeholder={t('country.placeholder')}
          value={text}
          data-country={code ?? ''}
          onChange={(e) => typed(e.target.value)}
          onKeyDown={onKeyDown}
          onFocus={() => setOpen(text !== '' && code === null)}
          onBlur={leave}
        />
      </div>
      <input type="hidden" name={name} value={code ?? ''} />
      <ul id={listId} role="listbox" aria-label={t('country.options')} className="country-picker__list" hidden={!expanded}>
        {expanded &&
          candidates.map((o, i) => (
            <li
              key={o.code}
              id={`${id}-opt-${o.code}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'country-picker__option country-picker__option--active' : 'country-picker__option'}
              // mousedown, not click: the input's blur must not run first and judge the half-typed text.
              onMouseDown={(e) => {
                e.preventDefault();
                choose(o.code, o.name);
              }}
              onMouseEnter={() => setActive(i)}
            >
              {/* The option is named by the country's name alone; the badge beside it is decoration here. */}
              <span aria-hidden="true">
                <Flag country={o.code} />
              </span>{' '}
              {o.name}
            </li>
          ))}
      </ul>
      {open && text.trim() !== '' && candidates.length === 0 && (
        <small className="field__hint" role="status">
          {t('country.noMatch', { text })}
        </small>
      )}
      {shownError ? (
        <small id={errorId} className="field__error" role="alert">
          {shownError}
        </small>
      ) : (
        <small id={hintId} className="field__hint">
          {t('country.hint')}
        </small>
      )}
    </div>
  );
}
