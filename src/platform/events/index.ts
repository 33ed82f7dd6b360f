import { type Queryable, sideBySide } from '../../db/database.ts';
import type { Actor } from '../access.ts';
import type { DomainEvents } from './catalogue.ts';

export type { DomainEvents } from './catalogue.ts';
export type EventName = keyof DomainEvents;

/** An entry a published event puts on a person's chronology. */
export interface ChronologyNote {
  personId: string;
  kind: string;
  title: string;
  detail?: string | null;
  occurredAt?: Date;
}

/**
 * Something that happened, announced by the module it happened in, inside the transaction that
 * did it. Besides its own payload, an event may carry what the platform's subscribers act on, so
 * a new module gets them by publishing, without the others knowing about it.
 */
export interface Published<N extends EventName = EventName> {
  name: N;
  payload: DomainEvents[N];
  actor: Actor;
  /** The people it is about. */
  about: string[];
  /** Entries for those people's chronologies (the people module records them). */
  chronology?: ChronologyNote[];
  /** Free text written with it, for the language check (the language module records findings). */
  text?: { recordKind: string; recordId: string; fields: Record<string, string | null | undefined> };
  /**
   * Set when it may change the risk to the people it is about: for anyone with a current flag the
   * flags module puts a risk review on the clock ("any new event on a flagged person re-opens the
   * question", thematic review 2.15). The reason is a short description of what happened.
   */
  changesRisk?: { reason: string; title?: string; contactId?: string | null };
}

export type Handler<N extends EventName> = (c: Queryable, event: Published<N>) => Promise<void>;

/**
 * Domain events in the transaction: `publish` runs every subscriber with the publisher's own client
 * before returning, so a subscriber's failure rolls back the whole change, and nothing a subscriber
 * writes can outlive a change that did not happen. Work that must follow the commit is enqueued by
 * the subscriber as a job in the same transaction (the outbox: see Jobs.sendInTransaction).
 */
export class EventBus {
  private readonly handlers = new Map<string, Handler<EventName>[]>();

  /** Subscribes to one event, or to every event with '*'. */
  on<N extends EventName>(name: N | '*', handler: Handler<N>): void {
    const list = this.handlers.get(name) ?? [];
    list.push(handler as unknown as Handler<EventName>);
    this.handlers.set(name, list);
  }

  async publish<N extends EventName>(c: Queryable, event: Published<N>): Promise<void> {
    // Subscribers are independent of each other: their statements go out together.
    const handlers = [...(this.handlers.get(event.name) ?? []), ...(this.handlers.get('*') ?? [])];
    await sideBySide(
      ...handlers.map(async (handler) => handler(c, event as unknown as Published<EventName>)),
    );
  }

  /** Which events have subscribers (for the architecture page and tests). */
  subscriptions(): Record<string, number> {
    return Object.fromEntries([...this.handlers].map(([name, list]) => [name, list.length]));
  }
}
