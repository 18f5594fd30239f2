/**
 * The tabs of one origin talk over a BroadcastChannel, so that N open tabs make one refresh,
 * not N: the tab that refreshes announces it first (`refreshing`), then shares the result (the
 * new session: the pair in bearer mode, only the expiry in cookie mode, where the browser's
 * cookie jar already holds the new tokens), or `signed-out`. A BroadcastChannel only reaches
 * pages of the same origin, so tokens never leave it.
 */
import { parseSession, type Session } from './session.js';

export type TabMessage =
  | { readonly type: 'session'; readonly reason: 'signed-in' | 'refreshed'; readonly session: Session }
  | { readonly type: 'signed-out' }
  | { readonly type: 'refreshing'; readonly until: number };

/** A message from another tab, checked (another tab may run an older or newer client). */
function parseMessage(data: unknown): TabMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const message = data as Record<string, unknown>;
  if (message.type === 'signed-out') return { type: 'signed-out' };
  if (message.type === 'refreshing' && typeof message.until === 'number') return { type: 'refreshing', until: message.until };
  if (message.type === 'session' && (message.reason === 'signed-in' || message.reason === 'refreshed')) {
    const session = parseSession(message.session);
    return session === null ? undefined : { type: 'session', reason: message.reason, session };
  }
  return undefined;
}

/** The part of BroadcastChannel used here (declared, so the types need neither DOM nor Node's). */
interface ChannelLike {
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
  unref?: () => void;
}

type ChannelConstructor = new (name: string) => ChannelLike;

export class TabChannel {
  private readonly channel: ChannelLike | undefined;

  constructor(name: string | false, onMessage: (message: TabMessage) => void) {
    const Channel = (globalThis as unknown as { BroadcastChannel?: ChannelConstructor }).BroadcastChannel;
    if (name === false || typeof Channel !== 'function') return;
    this.channel = new Channel(name);
    this.channel.onmessage = (event) => {
      const message = parseMessage(event.data);
      if (message !== undefined) onMessage(message);
    };
    // Node: an open channel must not keep the process alive.
    this.channel.unref?.();
  }

  post(message: TabMessage): void {
    try {
      this.channel?.postMessage(message);
    } catch {
      // A closed channel (the page is going away) has no one left to tell.
    }
  }

  close(): void {
    this.channel?.close();
  }
}
