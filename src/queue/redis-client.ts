/** A shared fail-fast ioredis client for short commands (health, rate limits, adding jobs). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
