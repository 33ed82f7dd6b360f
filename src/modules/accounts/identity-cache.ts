import type { Actor } from '../../platform/access.ts';

/**
 * Who a token or session belongs to, remembered for a short while so that every request does not
 * ask the database again. Safe because every change to who-is-who (a token revoked, a user
 * changed or deactivated, roles granted, a session ended) is announced with NOTIFY and clears it in
 * every web process; while notifications cannot be heard (the listening connection is down) the
 * cache is not used at all. An entry also lapses after `ttlMs`, which bounds how stale it can be if
 * someone changes the database by hand.
 */
export class IdentityCache<T extends { actor: Actor }> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  private trusted = false;

  constructor(
    private readonly ttlMs: number,
    private readonly max = 10_000,
  ) {}

  get(key: string): T | undefined {
    if (!this.trusted) return undefined;
    const found = this.entries.get(key);
    if (!found) return undefined;
    if (found.until < Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return found.value;
  }

  set(key: string, value: T): void {
    if (!this.trusted) return;
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(key, { value, until: Date.now() + this.ttlMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Something changed somewhere: forget everything. */
  clear(): void {
    this.entries.clear();
  }

  /** Whether notifications are being heard; when not, nothing is kept or served. */
  setTrusted(listening: boolean): void {
    this.trusted = listening;
    this.entries.clear();
  }
}
