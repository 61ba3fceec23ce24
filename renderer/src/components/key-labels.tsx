import { Fragment } from 'react';
import type { Command } from '../commands/command-registry';
import { chordLabel, sequencesOf } from '../commands/key-dispatcher';
import type { Translate } from '../i18n/messages';

/** Each key sequence of a command as plain text (`1`, `g r`, `Ctrl+K`), for search and for screen readers. */
export function keySequenceLabels(command: Command): string[] {
  return sequencesOf(command).map((sequence) => sequence.map(chordLabel).join(' '));
}

/** A command's keys as key caps: `1` or `g` `r`; palette-only commands say so. */
export function KeyCaps({ command, t }: { command: Command; t: Translate }) {
  const sequences = sequencesOf(command);
  if (sequences.length === 0) return <span className="key-caps-none">{t('console.keys.paletteOnly')}</span>;
  return (
    <span className="key-caps">
      {sequences.map((sequence, index) => (
        <Fragment key={sequence.join(' ')}>
          {index > 0 && <span className="key-caps-or"> {t('console.keys.or')} </span>}
          {sequence.map((chord, position) => (
            <Fragment key={`${String(position)}-${chord}`}>
              {position > 0 && <span className="visually-hidden"> {t('console.keys.then')} </span>}
              <kbd>{chordLabel(chord)}</kbd>
            </Fragment>
          ))}
        </Fragment>
      ))}
    </span>
  );
}
