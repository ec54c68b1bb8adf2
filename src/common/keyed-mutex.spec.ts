import { KeyedMutex } from './keyed-mutex.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedMutex', () => {
  it('runs tasks with the same key one at a time, in order', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`${name} start`);
      await tick();
      log.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([mutex.run('KS', task('a')), mutex.run('KS', task('b'))]);
    expect(results).toEqual(['a', 'b']);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end']);
  });

  it('lets different keys overlap and keeps going after a failure', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const slow = mutex.run('KS', async () => {
      log.push('KS start');
      await tick();
      log.push('KS end');
    });
    const other = mutex.run('SFN', () => {
      log.push('SFN');
      return Promise.resolve();
    });
    await Promise.all([slow, other]);
    expect(log).toEqual(['KS start', 'SFN', 'KS end']);

    await expect(mutex.run('KS', () => Promise.reject(new Error('rolled back')))).rejects.toThrow(
      'rolled back',
    );
    await expect(mutex.run('KS', () => Promise.resolve('next'))).resolves.toBe('next');
  });
});
