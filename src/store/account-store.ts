// Registered nicks, kept across restarts: SqliteStore with --data-dir, MemoryStore without. Keyed by the
// nick's key (names.ts: nickKey), so "Alice" and "aIice" are one account. Every call is synchronous and
// done when it returns (an account write is rare and must not be lost with a batch): the caller owns the
// thread it runs on. Passwords arrive hashed (accounts/password-hash.ts); a store never sees one in clear.
export interface Account {
  /** The nick as it was registered. */
  nick: string;
  passwordHash: string;
  operator: boolean;
  createdAtMs: number;
}

export interface AccountStore {
  /** false: the key already has an account, which is left as it was. */
  createAccount(nickKey: string, account: Account): boolean;
  getAccount(nickKey: string): Account | undefined;
  /** false: no such account. */
  setPassword(nickKey: string, passwordHash: string): boolean;
  /** false: no such account. */
  setOperator(nickKey: string, operator: boolean): boolean;
}
