import {
  createContext,
  useContext,
  useEffect,
  useLayoutEffect,
  useRef,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import type { Command, CommandRegistry } from './command-registry';

const RegistryContext = createContext<CommandRegistry | null>(null);

export function CommandRegistryProvider({
  registry,
  children,
}: {
  registry: CommandRegistry;
  children: ReactNode;
}) {
  return <RegistryContext value={registry}>{children}</RegistryContext>;
}

export function useCommandRegistry(): CommandRegistry {
  const registry = useContext(RegistryContext);
  if (!registry) throw new Error('useCommandRegistry needs a CommandRegistryProvider above it');
  return registry;
}

/**
 * Registers `commands` while the calling component is mounted. The commands are read through a ref,
 * so `run` and `isEnabled` always see the component's latest state without re-registering on every
 * render; they re-register only when the list of ids, keys or titles changes.
 */
export function useCommands(commands: readonly Command[]): void {
  const registry = useCommandRegistry();
  const latest = useRef(commands);
  // Refreshed after every render, before any key can reach a command.
  useLayoutEffect(() => {
    latest.current = commands;
  });
  const signature = commands
    .map(
      (command) =>
        `${command.id}|${command.keys.join(' ')}|${(command.alternativeKeys ?? []).map((keys) => keys.join(' ')).join(',')}|${command.title}`,
    )
    .join('\n');

  useEffect(() => {
    const stable = latest.current.map((command, index): Command => ({
      ...command,
      isEnabled: () => latest.current[index]?.isEnabled() ?? false,
      disabledReason: () => latest.current[index]?.disabledReason?.() ?? null,
      run: () => latest.current[index]?.run(),
    }));
    return registry.register(stable);
  }, [registry, signature]);
}

/** The registered commands, re-rendering when they change. */
export function useCommandList(): readonly Command[] {
  const registry = useCommandRegistry();
  return useSyncExternalStore(
    (listener) => registry.subscribe(listener),
    () => registry.list(),
  );
}
