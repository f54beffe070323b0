/**
 * Takes one token from a bucket, atomically and in one round trip.
 *
 * KEYS[1] bucket hash { tokens, ts }; ARGV[1] rate (tokens per second); ARGV[2] burst (capacity).
 * Returns { allowed (1|0), retryAfterMs (0 when allowed) }.
 *
 * The clock is Redis's own TIME, never the caller's: pods whose clocks disagree still refill one
 * bucket consistently (Redis >= 5 replicates script effects, so TIME before a write is allowed).
 * A missing bucket is full, so the key expires once it would have refilled completely: idle
 * buckets cost no memory and lose nothing by vanishing.
 */
export const TAKE_TOKEN_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000

local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(bucket[1])
local ts = tonumber(bucket[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end

-- A reading from before the last write (TIME stepped back after a failover) adds nothing.
local elapsed = math.max(0, now - ts)
tokens = math.min(burst, tokens + elapsed * rate / 1000)

local allowed = 0
local retry_after = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry_after = math.ceil((1 - tokens) * 1000 / rate)
end

redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1000)
return { allowed, retry_after }
`;
