import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Notifier } from '../database/notifier.js';
import { Sql } from '../database/sql.js';

/** The NOTIFY channel src/session/sql/events.sql wakes listeners on. */
export const SESSION_EVENTS_CHANNEL = 'joinery_session_events';

/** One change of a session, as src/session/sql/events.sql appended it. */
export interface SessionEvent {
  /** Grows in commit order (a bigint, as a string). */
  id: string;
  sessionId: string;
  kind: string;
  playerId: string | null;
  data: Record<string, unknown>;
  at: Date;
}

export interface EventStream {
  close(): void;
}

const PAGE = 500;

/**
 * The session events a player receives: those of the sessions they hold a seat or an invitation in, in commit
 * order, from the table the ledger's functions write in the same transaction as each change. A stream reads the
 * table after an event id; NOTIFY (through the Notifier, one LISTEN connection per instance) only tells it when to
 * read again, so events written through any instance reach every instance, and a stream resumed after the id it
 * saw last gets exactly what followed.
 */
@Injectable()
export class SessionEvents implements OnModuleDestroy {
  private readonly logger = new Logger(SessionEvents.name);
  private readonly streams = new Set<() => void>();

  constructor(
    private readonly sql: Sql,
    private readonly notifier: Notifier,
  ) {}

  /** The id of the newest committed event ('0' when there is none): where a stream without a resume point starts. */
  async latestId(): Promise<string> {
    const [row] = await this.sql.read<{ id: string }>(`SELECT coalesce(max(id), 0)::text AS id FROM session_event`);
    return row.id;
  }

  /** A player's events after `afterId`, oldest first. */
  async after(playerId: string, afterId: string, limit = PAGE): Promise<SessionEvent[]> {
    const rows = await this.sql.read<{
      id: string;
      session_id: string;
      kind: string;
      player_id: string | null;
      data: Record<string, unknown>;
      at: Date;
    }>(
      `SELECT e.id::text AS id, e.session_id, e.kind, e.player_id, e.data, e.at
         FROM joinery_events_for($1, $2::bigint, $3) e ORDER BY e.id`,
      [playerId, afterId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      sessionId: r.session_id,
      kind: r.kind,
      playerId: r.player_id,
      data: r.data,
      at: r.at,
    }));
  }

  /**
   * Follows a player's events after `afterId` (none: from now on), calling `onEvent` for each in order;
   * `onEnd` is called once when the stream ends (closed, failed, or the instance stops).
   */
  follow(
    playerId: string,
    afterId: string | undefined,
    onEvent: (event: SessionEvent) => void,
    onEnd: (error?: Error) => void,
  ): EventStream {
    let cursor = afterId;
    let reading = false;
    let again = false;
    let ended = false;
    const end = (error?: Error) => {
      if (ended) return;
      ended = true;
      unlisten();
      this.streams.delete(stop);
      onEnd(error);
    };
    const stop = () => end();
    const read = async () => {
      if (ended) return;
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          cursor ??= await this.latestId();
          for (;;) {
            const page = await this.after(playerId, cursor);
            for (const event of page) {
              if (ended) return;
              onEvent(event);
              cursor = event.id;
            }
            if (page.length < PAGE) break;
          }
        } while (again && !ended);
      } catch (error) {
        this.logger.warn(`event stream read failed: ${(error as Error).message}`);
        end(error as Error);
      } finally {
        reading = false;
      }
    };
    // Listen first, then read: an event committed in between is read, never missed.
    const unlisten = this.notifier.listen(SESSION_EVENTS_CHANNEL, () => void read());
    this.streams.add(stop);
    void read();
    return { close: stop };
  }

  /** Streams end before the connections close, so that open responses finish and the server can stop. */
  onModuleDestroy(): void {
    for (const stop of [...this.streams]) stop();
  }
}
