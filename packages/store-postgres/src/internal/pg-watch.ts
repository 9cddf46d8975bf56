import pg from 'pg';
import { StateStoreError, type StoreNotice, type StoreWatch } from '@stepflow/state-store';
import { unpackNotices } from './pg-notices.ts';
import { quoteIdentifier } from './pg-migrations.ts';

type Listener = (notice: StoreNotice) => void;

/** Options of `PostgresWatcher`. */
export interface PostgresWatcherOptions {
  /** The server's URL (the pool's). */
  readonly url: string;
  /** The channel to `LISTEN` on (the schema's name). */
  readonly channel: string;
  /** The server and schema, for messages. */
  readonly where: string;
  /** First delay before reconnecting a dropped listener connection (default 100 ms). */
  readonly retryMs?: number;
  /** Longest delay between reconnection attempts (default 5,000 ms). */
  readonly maxRetryMs?: number;
}

/**
 * The listening side of a PostgreSQL store: one dedicated connection (a pooled one would be handed
 * to queries) that `LISTEN`s on the schema's channel while anyone watches, and hands every
 * notification to the store's listeners. A dropped connection is re-established with growing
 * delays, then the listeners get a `work` notice, since notices sent meanwhile are lost. Errors
 * are never thrown at the process: only the first connection's failure reaches `watch`'s caller.
 */
export class PostgresWatcher {
  private readonly listeners = new Set<Listener>();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private delay: number;
  private closed = false;

  constructor(private readonly options: PostgresWatcherOptions) {
    this.delay = options.retryMs ?? 100;
  }

  /** Registers `listener`; resolves once the channel is listened to. */
  async watch(listener: Listener): Promise<StoreWatch> {
    const registered: Listener = (notice) => listener(notice);
    this.listeners.add(registered);
    try {
      if (!this.client) await (this.connecting ??= this.connect());
    } catch (error) {
      this.listeners.delete(registered);
      throw new StateStoreError(
        'invalid-input',
        `Cannot listen for changes on ${this.options.where}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return {
      close: async () => {
        if (!this.listeners.delete(registered) || this.listeners.size > 0) return;
        await this.disconnect();
      },
    };
  }

  /** Stops listening for good (the store closes). */
  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.disconnect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.url,
      application_name: `stepflow-watch:${this.options.channel}`,
    });
    // Both fire when the server goes away; neither may reach the process as an uncaught error.
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (client !== this.client || message.channel !== this.options.channel) return;
      for (const notice of unpackNotices(message.payload)) this.deliver(notice);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdentifier(this.options.channel)}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    } finally {
      this.connecting = undefined;
    }
    if (this.closed || this.listeners.size === 0) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.delay = this.options.retryMs ?? 100;
  }

  private lost(client: pg.Client): void {
    if (client !== this.client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.listeners.size === 0 || this.retry || this.connecting) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (this.closed || this.listeners.size === 0) return;
      this.connecting = this.connect();
      this.connecting.then(
        // Whatever was notified while the connection was down is lost: look at the store.
        () => this.deliver({ type: 'work' }),
        () => {
          this.delay = Math.min(this.delay * 2, this.options.maxRetryMs ?? 5000);
          this.scheduleReconnect();
        },
      );
    }, this.delay);
    // A pending reconnection alone never keeps the process alive.
    this.retry.unref();
  }

  private deliver(notice: StoreNotice): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(notice);
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  private async disconnect(): Promise<void> {
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
