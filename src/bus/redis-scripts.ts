// RedisBus's Lua scripts, each one atomic step (docs/design/multi-node-bus.md §2.2, §2.5, §2.6). They are
// given to ioredis as `scripts`: it sends EVALSHA and falls back to EVAL on NOSCRIPT, which is what
// happens after a Redis restart empties the script cache.
import type { Redis } from 'ioredis';

// After Centrifugo's internal/redis_lua/broker_history_add_stream.lua (centrifugal/centrifuge @1d8f99f):
// the idempotency result checked first and written last (its lines 16–22, 98–101), the epoch kept in the
// meta hash and made when missing (24–28) with the DEL of a stale stream then, or `XADD 1-0` would fail
// against a stream whose meta was lost (72–78), the offset from HINCRBY (48) used as the stream ID with an
// exact MAXLEN (80), and the PUBLISH of offset, epoch and payload in the same script (83–96), so per room
// the publish order is the numbering order. roomcast's room keys also get a safety expiry, renewed by the
// heartbeats of nodes with members there, so an emptied room's history goes without anyone deleting it.
// KEYS: 1 stream, 2 meta, 3 idempotency result. ARGV: 1 payload, 2 maxlen, 3 fresh epoch, 4 channel,
// 5 room keys' safety ttl ms, 6 idempotency ttl ms. Returns {seq, epoch, duplicate 0/1}.
const append = `
local done = redis.call('hmget', KEYS[3], 'e', 's')
if done[1] then return {tonumber(done[2]), done[1], 1} end
local epoch = redis.call('hget', KEYS[2], 'e')
if not epoch then
  epoch = ARGV[3]
  redis.call('del', KEYS[1])
  redis.call('hset', KEYS[2], 'e', epoch)
end
local seq = redis.call('hincrby', KEYS[2], 's', 1)
redis.call('xadd', KEYS[1], 'MAXLEN', ARGV[2], seq .. '-0', 'd', ARGV[1])
redis.call('publish', ARGV[4], seq .. ' ' .. epoch .. ' ' .. ARGV[1])
redis.call('pexpire', KEYS[1], ARGV[5])
redis.call('pexpire', KEYS[2], ARGV[5])
redis.call('hset', KEYS[3], 'e', epoch, 's', seq)
redis.call('pexpire', KEYS[3], ARGV[6])
return {seq, epoch, 0}
`;

// After Centrifugo's broker_history_stream.lua (lines 10–42): the position and the events in one read, so
// they agree. KEYS: 1 stream, 2 meta. ARGV: 1 'range' from-id to-id | 'last' count.
// Returns {epoch ('' without meta), top seq, entries}.
const history = `
local meta = redis.call('hmget', KEYS[2], 'e', 's')
if not meta[1] then return {'', 0, {}} end
local entries = {}
if ARGV[1] == 'last' then
  if tonumber(ARGV[2]) > 0 then entries = redis.call('xrevrange', KEYS[1], '+', '-', 'COUNT', ARGV[2]) end
else
  entries = redis.call('xrange', KEYS[1], ARGV[2], ARGV[3])
end
return {meta[1], tonumber(meta[2]) or 0, entries}
`;

// A claim answers with the holder in the same step, so a nick that expires between the two cannot leave
// the caller with neither. A claim this node's same connection already holds (a retry) succeeds.
// KEYS: 1 nick. ARGV: 1 value, 2 ttl ms. Returns '' when claimed, else the holder's value.
const claimNick = `
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return '' end
local holder = redis.call('get', KEYS[1])
if holder == ARGV[1] then redis.call('pexpire', KEYS[1], ARGV[2]); return '' end
return holder
`;

// The heartbeat's nick renewal, also the re-claim after an outage: a nick still ours gets a new expiry, a
// nick that expired (or a reaper freed) and nobody took is ours again, one someone else holds is lost.
// KEYS: nick keys. ARGV: 1 ttl ms, then this node's value of each key. Returns the 1-based indexes lost.
const renewNicks = `
local lost = {}
for i, key in ipairs(KEYS) do
  local value = redis.call('get', key)
  if value == ARGV[i + 1] then redis.call('pexpire', key, ARGV[1])
  elseif not value then redis.call('set', key, ARGV[i + 1], 'PX', ARGV[1])
  else lost[#lost + 1] = i end
end
return lost
`;

// Frees a nick only if it is still the value given: never a successor's claim. KEYS: 1 nick. ARGV: 1 value.
const releaseNick = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
`;

// A reaper frees the dead node's nicks: those whose value still names it. KEYS: nick keys. ARGV: 1 `node|`.
const releaseNodeNicks = `
local freed = 0
for _, key in ipairs(KEYS) do
  local value = redis.call('get', key)
  if value and string.sub(value, 1, #ARGV[1]) == ARGV[1] then freed = freed + redis.call('del', key) end
end
return freed
`;

export const busScripts = {
  busAppend: { lua: append, numberOfKeys: 3 },
  busHistory: { lua: history, numberOfKeys: 2 },
  busClaimNick: { lua: claimNick, numberOfKeys: 1 },
  busRenewNicks: { lua: renewNicks },
  busReleaseNick: { lua: releaseNick, numberOfKeys: 1 },
  busReleaseNodeNicks: { lua: releaseNodeNicks },
};

type StreamEntry = [id: string, fields: string[]];

/** The commands `busScripts` adds to a connection, as ioredis calls them. */
export interface BusScriptCommands {
  busAppend(
    stream: string,
    meta: string,
    idempotency: string,
    payload: string,
    maxLength: number,
    freshEpoch: string,
    channel: string,
    safetyTtlMs: number,
    idempotencyTtlMs: number,
  ): Promise<[seq: number, epoch: string, duplicate: 0 | 1]>;
  busHistory(
    stream: string,
    meta: string,
    mode: 'range' | 'last',
    ...bounds: string[]
  ): Promise<[epoch: string, top: number, entries: StreamEntry[]]>;
  busClaimNick(nick: string, value: string, ttlMs: number): Promise<string>;
  /** `busRenewNicks(keys.length, ...keys, ttlMs, ...values)`. */
  busRenewNicks(keyCount: number, ...keysThenArgs: (string | number)[]): Promise<number[]>;
  busReleaseNick(nick: string, value: string): Promise<number>;
  /** `busReleaseNodeNicks(keys.length, ...keys, 'node|')`. */
  busReleaseNodeNicks(keyCount: number, ...keysThenPrefix: string[]): Promise<number>;
}

export type ScriptedRedis = Redis & BusScriptCommands;
