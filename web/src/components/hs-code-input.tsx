// HS code entry with search: type digits or words, pick a subheading from the nomenclature's
// descriptions. A combobox in the WAI-ARIA pattern: arrows move, Enter picks, Escape closes.
// What the box holds is what is declared; a full code's description is shown beneath it.
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { api, isAbort, withQuery } from '../api/client.ts';
import type { HsEntry, Page } from '../api/types.ts';
import { useDebounced } from '../lib/use-resource.ts';

interface Props {
  id?: string;
  value: string;
  onChange: (code: string) => void;
  /** The description of the code in the box, once it is a known subheading; null otherwise. */
  onDescription?: (description: string | null) => void;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

function formatCode(code: string): string {
  return code.length > 4 ? `${code.slice(0, 4)}.${code.slice(4)}` : code;
}

export function HsCodeInput({ id, value, onChange, onDescription, ...aria }: Props) {
  const [open, setOpen] = useState(false);
  const [options, setOptions] = useState<HsEntry[]>([]);
  const [active, setActive] = useState(-1);
  const [searching, setSearching] = useState(false);
  const query = useDebounced(value.trim(), 250);
  const listId = useId();
  const describe = useRef(onDescription);
  useEffect(() => {
    describe.current = onDescription;
  });

  // The description of a full code, however it got into the box (typed, picked, from an item).
  useEffect(() => {
    const code = value.trim();
    if (!/^[0-9]{6}$/.test(code)) {
      describe.current?.(null);
      return;
    }
    const controller = new AbortController();
    api<HsEntry>(`/api/v1/reference/hs/${code}`, { signal: controller.signal }).then(
      (entry) => describe.current?.(entry.description),
      (error: unknown) => {
        if (!isAbort(error)) describe.current?.(null);
      },
    );
    return () => controller.abort();
  }, [value]);

  useEffect(() => {
    if (!open || query.length < 2) {
      setOptions([]);
      return;
    }
    const controller = new AbortController();
    setSearching(true);
    api<Page<HsEntry>>(withQuery('/api/v1/reference/hs', { q: query, limit: 12 }), { signal: controller.signal }).then(
      (page) => {
        setOptions(page.items);
        setActive(page.items.findIndex((e) => e.level === 6));
        setSearching(false);
      },
      (error: unknown) => {
        if (!isAbort(error)) setSearching(false);
      },
    );
    return () => controller.abort();
  }, [query, open]);

  const pick = (entry: HsEntry) => {
    onChange(entry.code);
    // A chapter or heading narrows the search to its subheadings; a subheading is the answer.
    if (entry.level === 6) setOpen(false);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      setActive((i) => Math.min(options.length - 1, i + 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => Math.max(0, i - 1));
    } else if (event.key === 'Enter' && open && options[active]) {
      event.preventDefault();
      pick(options[active]);
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      setOpen(false);
    }
  };

  const showList = open && query.length >= 2 && !(options.length === 1 && options[0]?.code === query && options[0].level === 6);
  return (
    <div className="combobox">
      <input
        id={id}
        role="combobox"
        aria-expanded={showList}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={showList && active >= 0 ? `${listId}-${active}` : undefined}
        autoComplete="off"
        spellCheck={false}
        value={value}
        placeholder="Code or words"
        onChange={(e) => {
          onChange(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
        {...aria}
      />
      {showList ? (
        <ul className="combobox-list" role="listbox" id={listId} aria-label="HS codes">
          {searching && options.length === 0 ? <li className="combobox-note">Searching…</li> : null}
          {!searching && options.length === 0 ? <li className="combobox-note">No HS code matches “{query}”.</li> : null}
          {options.map((entry, index) => (
            <li
              key={entry.code}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === active}
              className={`combobox-option level-${entry.level}${index === active ? ' active' : ''}`}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(entry);
              }}
            >
              <span className="mono">{formatCode(entry.code)}</span>
              <span>{entry.description}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
