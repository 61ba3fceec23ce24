import { useCallback, useEffect, useRef, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import type { QueueId } from '../../../preload/contract';
import { queueLetters } from '../commands/key-bindings';
import { queueCommands } from '../commands/navigation-commands';
import { useCommandRegistry } from '../commands/use-commands';
import { useTranslate } from '../i18n/use-translate';
import { queueAfterNavigationKey, queueOrder } from '../queues/queue-order';
import { useAppStore } from '../store/store-context';

interface QueueItemProps {
  queue: QueueId;
  shortcut: number;
  onChoose: (queue: QueueId) => void;
  registerButton: (queue: QueueId, button: HTMLButtonElement | null) => void;
}

function QueueItem({ queue, shortcut, onChoose, registerButton }: QueueItemProps) {
  const t = useTranslate();
  const count = useAppStore((state) => state.queueCounts?.counts[queue] ?? null);
  const selected = useAppStore((state) => state.selectedQueue === queue);
  const countClass = [
    'queue-count',
    count !== null && count > 0 ? 'is-nonzero' : '',
    queue === 'redAlerts' && count !== null && count > 0 ? 'is-alarm' : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <li>
      <button
        type="button"
        className="queue-item"
        data-testid={`queue-${queue}`}
        aria-current={selected ? 'true' : undefined}
        aria-keyshortcuts={`${shortcut} g+${queueLetters[queue]}`}
        ref={(button) => registerButton(queue, button)}
        onClick={() => onChoose(queue)}
      >
        <span className="queue-shortcut" aria-hidden="true">
          {shortcut}
        </span>
        <span className="queue-name">{t(`queue.${queue}`)}</span>
        <span
          className={countClass}
          data-testid={`queue-count-${queue}`}
          title={count === null ? t('queues.countUnknown') : t('queues.countLabel', { count })}
        >
          {count ?? t('status.unknown')}
        </span>
      </button>
    </li>
  );
}

export function QueueList() {
  const t = useTranslate();
  const selectQueue = useAppStore((state) => state.selectQueue);
  const selectedQueue = useAppStore((state) => state.selectedQueue);
  const buttons = useRef(new Map<QueueId, HTMLButtonElement>());

  const registerButton = useCallback((queue: QueueId, button: HTMLButtonElement | null) => {
    if (button) buttons.current.set(queue, button);
    else buttons.current.delete(queue);
  }, []);

  // Focus follows the choice, so that the arrow keys continue from the queue just chosen.
  const choose = useCallback(
    (queue: QueueId) => {
      selectQueue(queue);
      buttons.current.get(queue)?.focus();
    },
    [selectQueue],
  );

  // 1-9 and g then a letter, through the keyboard dispatcher (so that the overlay and the palette list them).
  const registry = useCommandRegistry();
  useEffect(() => registry.register(queueCommands(choose)), [registry, choose]);

  const onListKeyDown = (event: ReactKeyboardEvent) => {
    const queue = queueAfterNavigationKey(selectedQueue, event.key);
    if (!queue) return;
    event.preventDefault();
    choose(queue);
  };

  return (
    <nav className="queue-nav" aria-labelledby="queue-nav-title">
      <h2 className="queue-nav-title" id="queue-nav-title">
        {t('queues.heading')}
      </h2>
      <ul className="queue-list" data-testid="queue-list" onKeyDown={onListKeyDown}>
        {queueOrder.map((queue, index) => (
          <QueueItem
            key={queue}
            queue={queue}
            shortcut={index + 1}
            onChoose={choose}
            registerButton={registerButton}
          />
        ))}
      </ul>
      <p className="queue-hint">{t('queues.shortcutHint', { last: queueOrder.length })}</p>
    </nav>
  );
}
