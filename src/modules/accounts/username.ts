/**
 * The one normal form of a typed username, for finding the account and for its throttle alike:
 * Unicode NFKC (so full-width and compatibility letters are the letters they look like), then one
 * case-folding in JavaScript (never PostgreSQL's locale-dependent lower()).
 */
export function usernameKey(typed: string): string {
  return typed.normalize('NFKC').trim().toLowerCase().normalize('NFKC');
}
