/** jsdom lacks TextEncoder, which browsers (and the engine's sha256) have; give it Node's. */
import { TextDecoder, TextEncoder } from 'node:util';
import { deserialize, serialize } from 'node:v8';

const g = globalThis as unknown as { TextEncoder?: unknown; TextDecoder?: unknown };
g.TextEncoder ??= TextEncoder;
g.TextDecoder ??= TextDecoder;

/** Fluent's Textarea observes its size; jsdom has no layout, so a no-op observer is the honest stand-in. */
class NoLayoutResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
(globalThis as unknown as { ResizeObserver?: unknown }).ResizeObserver ??= NoLayoutResizeObserver;

/** Browsers have structuredClone (the profile lifecycle uses it); jsdom does not expose Node's. */
const clone = <T>(value: T): T => deserialize(serialize(value)) as T;
(globalThis as unknown as { structuredClone?: unknown }).structuredClone ??= clone;
