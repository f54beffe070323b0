import type Redis from 'ioredis';

type ScriptArg = string | number | Buffer;

/**
 * A Lua script as a function of its keys and arguments, run by digest (EVALSHA, with one EVAL
 * when Redis lost its script cache: ioredis' defineCommand) rather than sent in full with
 * every call, as EVAL does: a script on a per-request or per-event path paid for shipping
 * and hashing its text each time. `name` must be unique per connection. `keys: 'counted'`
 * for a script taking any number of keys: each call then starts with how many follow.
 */
export function redisScript<Result>(
  redis: Redis,
  name: string,
  script: { keys: number | 'counted'; lua: string },
): (...keysThenArgs: ScriptArg[]) => Promise<Result> {
  redis.defineCommand(name, {
    numberOfKeys: script.keys === 'counted' ? undefined : script.keys,
    lua: script.lua,
  });
  const command = (redis as unknown as Record<string, (...args: ScriptArg[]) => Promise<Result>>)[
    name
  ];
  return (...keysThenArgs) => command.apply(redis, keysThenArgs);
}
