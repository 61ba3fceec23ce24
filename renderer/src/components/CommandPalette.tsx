import { useId, useMemo, useRef, useState } from 'react';
import { locales } from '../../../preload/contract';
import { commandGroups, type Command } from '../commands/command-registry';
import { filterPalette, type PaletteEntry } from '../commands/palette-filter';
import { useCommandList } from '../commands/use-commands';
import { translate } from '../i18n/messages';
import { useTranslate } from '../i18n/use-translate';
import { useAppStore } from '../store/store-context';
import { KeyboardDialog } from './KeyboardDialog';
import { KeyCaps, keySequenceLabels } from './key-labels';

export interface CommandPaletteProps {
  /** Closes the palette and gives focus back to where it was. */
  onClose: () => void;
  /** Closes the palette, gives focus back, then runs the command (so that the command's own focus wins). */
  onRun: (command: Command) => void;
}

/** Ctrl+K: every command, searched by its title (Chinese or English) or its key; Enter runs the chosen one. */
export function CommandPalette({ onClose, onRun }: CommandPaletteProps) {
  const t = useTranslate();
  const locale = useAppStore((state) => state.preferences.locale);
  const commands = useCommandList();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const titleId = useId();
  const listId = useId();
  const search = useRef<HTMLInputElement>(null);

  const entries = useMemo<PaletteEntry[]>(() => {
    const otherLocales = locales.filter((other) => other !== locale);
    // In the overlay's order: by group, then as registered.
    return commandGroups.flatMap((group) =>
      commands
        .filter((command) => command.group === group)
        .map((command) => ({
          command,
          titles: [locale, ...otherLocales].map((language) => translate(language, command.title)),
          keyLabels: keySequenceLabels(command),
        })),
    );
  }, [commands, locale]);
  const found = useMemo(() => filterPalette(entries, query), [entries, query]);
  const activeIndex = Math.min(active, Math.max(found.length - 1, 0));
  const activeEntry = found[activeIndex];

  const run = (entry: PaletteEntry | undefined) => {
    if (!entry || !entry.command.isEnabled()) return;
    onRun(entry.command);
  };

  return (
    <KeyboardDialog
      className="command-palette"
      testId="command-palette"
      labelledBy={titleId}
      initialFocus={search}
      onClose={onClose}
      onKey={(event) => {
        switch (event.key) {
          case 'ArrowDown':
            event.preventDefault();
            setActive(found.length === 0 ? 0 : (activeIndex + 1) % found.length);
            return true;
          case 'ArrowUp':
            event.preventDefault();
            setActive(found.length === 0 ? 0 : (activeIndex - 1 + found.length) % found.length);
            return true;
          case 'Enter':
            event.preventDefault();
            run(activeEntry);
            return true;
          default:
            if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
              event.preventDefault();
              onClose();
              return true;
            }
            return false;
        }
      }}
    >
      <h2 id={titleId} className="visually-hidden">
        {t('console.palette.title')}
      </h2>
      <input
        ref={search}
        className="palette-search"
        type="text"
        role="combobox"
        aria-expanded="true"
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={activeEntry ? `${listId}-${activeEntry.command.id}` : undefined}
        aria-label={t('console.palette.search')}
        placeholder={t('console.palette.search')}
        data-testid="command-palette-search"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
        }}
      />
      <ul id={listId} className="palette-list" role="listbox" aria-label={t('console.palette.title')}>
        {found.map((entry, index) => {
          const enabled = entry.command.isEnabled();
          return (
            <li
              key={entry.command.id}
              id={`${listId}-${entry.command.id}`}
              role="option"
              aria-selected={index === activeIndex}
              aria-disabled={!enabled}
              className={[
                'palette-option',
                index === activeIndex ? 'is-active' : '',
                enabled ? '' : 'is-disabled',
              ]
                .filter(Boolean)
                .join(' ')}
              data-testid={`palette-${entry.command.id}`}
              onMouseMove={() => setActive(index)}
              onClick={() => run(entry)}
            >
              <span className="palette-title">
                {entry.titles[0]}
                {!enabled && <span className="palette-disabled"> · {t('console.palette.disabled')}</span>}
              </span>
              <KeyCaps command={entry.command} t={t} />
            </li>
          );
        })}
      </ul>
      {found.length === 0 && (
        <p className="palette-empty" role="status">
          {t('console.palette.empty')}
        </p>
      )}
      <p className="keyboard-intro palette-hint">
        <span role="status">{t('console.palette.count', { count: found.length })}</span> ·{' '}
        {t('console.palette.hint')}
      </p>
    </KeyboardDialog>
  );
}
