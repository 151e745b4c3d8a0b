import { CataJob } from './CataJob';
import { DepictaJob } from './DepictaJob';

/**
 * Where requests go and with which keys. Here from the page's address, so the test can point the app at the
 * simulator; in a real app the browser talks to your own server, which adds the key (see docs/runtimes.md).
 */
const config = new URLSearchParams(location.search);
const baseUrl = config.get('baseUrl') ?? 'http://127.0.0.1:4100';

export function App() {
  return (
    <main>
      <h1>jobcharts in React</h1>
      <CataJob
        input={{
          baseUrl,
          apiKey: config.get('cataKey') ?? '',
          request: { provider: 'grabfood', topic: 'list_remote_outlets' },
          options: { pollIntervalMs: 50, maxPollIntervalMs: 100 },
        }}
      />
      <DepictaJob
        input={{
          baseUrl,
          apiKey: config.get('depictaKey') ?? '',
          request: {
            model: config.get('depictaModel') ?? 'sim-story-multiturn',
            characters: [{ name: 'Aria', appearance: 'A young archivist with silver hair' }],
            scenes: [{ prompt: 'Aria enters the library' }, { prompt: 'Aria finds a glowing book' }],
          },
          options: { pollIntervalMs: 50, maxPollIntervalMs: 100 },
        }}
      />
    </main>
  );
}
