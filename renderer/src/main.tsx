import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { selectTransport } from './bridge/select-transport';
import { CommandRegistry } from './commands/command-registry';
import { CommandRegistryProvider } from './commands/use-commands';
import { App } from './components/App';
import { CrashBoundary } from './components/CrashBoundary';
import { MissingToken } from './components/MissingToken';
import { createAppStore } from './store/app-store';
import { startSession } from './store/session';
import { StoreProvider } from './store/store-context';
import './styles/theme.css';
import './styles/layout.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
const root = createRoot(container);

const transport = selectTransport();
if (transport.kind === 'missing-token') {
  root.render(
    <StrictMode>
      <MissingToken />
    </StrictMode>,
  );
} else {
  const store = createAppStore({ bridge: transport.bridge, monoNow: () => performance.now() });
  // The session lives as long as the page, outside React, so StrictMode's double effects cannot double it.
  startSession({ store, bridge: transport.bridge, watchLink: transport.watchLink });
  root.render(
    <StrictMode>
      <CrashBoundary>
        <StoreProvider store={store}>
          <CommandRegistryProvider registry={new CommandRegistry()}>
            <App />
          </CommandRegistryProvider>
        </StoreProvider>
      </CrashBoundary>
    </StrictMode>,
  );
}
