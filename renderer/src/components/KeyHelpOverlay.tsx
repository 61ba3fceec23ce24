import { useId, useRef } from 'react';
import { commandGroups, type Command } from '../commands/command-registry';
import { useCommandList } from '../commands/use-commands';
import { useTranslate } from '../i18n/use-translate';
import { KeyboardDialog } from './KeyboardDialog';
import { KeyCaps } from './key-labels';

export interface KeyHelpOverlayProps {
  onClose: () => void;
}

/** `?`: every command the screen offers now, grouped, with its keys. Esc closes it. */
export function KeyHelpOverlay({ onClose }: KeyHelpOverlayProps) {
  const t = useTranslate();
  const commands = useCommandList();
  const titleId = useId();
  const closeButton = useRef<HTMLButtonElement>(null);

  const groups = commandGroups
    .map((group) => ({ group, commands: commands.filter((command) => command.group === group) }))
    .filter((entry) => entry.commands.length > 0);

  return (
    <KeyboardDialog
      className="key-help"
      testId="key-help"
      labelledBy={titleId}
      initialFocus={closeButton}
      onClose={onClose}
      closeKeys={['?']}
    >
      <header className="keyboard-dialog-header">
        <h2 id={titleId}>{t('console.keyHelp.title')}</h2>
        <button ref={closeButton} type="button" className="keyboard-close" onClick={onClose}>
          {t('console.keyHelp.close')}
        </button>
      </header>
      <p className="keyboard-intro">{t('console.keyHelp.intro')}</p>
      <div className="key-help-groups">
        {groups.map(({ group, commands: inGroup }) => (
          <section key={group} className="key-help-group" aria-labelledby={`${titleId}-${group}`}>
            <h3 id={`${titleId}-${group}`}>{t(`console.group.${group}`)}</h3>
            <dl>
              {inGroup.map((command: Command) => (
                <div key={command.id} className="key-help-row" data-testid={`key-help-${command.id}`}>
                  <dt>
                    {t(command.title)}
                    {command.keysHandledBy === 'grid' && (
                      <span className="key-help-where">（{t('console.keyHelp.inGrid')}）</span>
                    )}
                  </dt>
                  <dd>
                    <KeyCaps command={command} t={t} />
                  </dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </KeyboardDialog>
  );
}
