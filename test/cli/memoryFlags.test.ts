import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GLIBC_MALLOC_ENV, MALLOC_ARENA_MAX } from '../../src/local/mallocArenas';

/**
 * The V8 flags that keep preprocessing within its memory budget and off V8's helper threads (docs/preprocessing.md) are
 * written in three places, each read by a different launcher: the CLI's shebang, `npm start` /
 * `npm run demo`, and the Function App's `languageWorkers__node__arguments`. They must agree, and
 * node must accept them (a misspelt V8 flag makes node refuse to start).
 */
const ROOT = join(__dirname, '..', '..');

function flagsOf(commandLine: string): string {
  return commandLine
    .split(/\s+/)
    .filter((part) => part.startsWith('--'))
    .join(' ');
}

describe('V8 memory flags', () => {
  const shebang = readFileSync(join(ROOT, 'bin', 'tuneloop.js'), 'utf8').split('\n')[0];
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const bicep = /languageWorkers__node__arguments:\s*'([^']*)'/.exec(readFileSync(join(ROOT, 'infra', 'main.bicep'), 'utf8'));
  const launcher = flagsOf(shebang.replace(/^#!\/usr\/bin\/env -S (\w+=\S+ )*node/, ''));

  it('are the same for the CLI, npm start, npm run demo and the Function App', () => {
    expect(shebang.startsWith(`#!/usr/bin/env -S MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX} `)).toBe(true);
    expect(launcher).toContain('--max-semi-space-size=');
    expect(launcher).toContain('--heap-growing-percent=');
    expect(launcher).toContain('--no-parallel-scavenge');
    expect(flagsOf(scripts.start)).toBe(launcher);
    expect(flagsOf(scripts.demo)).toBe(launcher);
    expect(bicep?.[1]).toBe(launcher);
  });

  it('come with the same glibc malloc settings for the CLI, npm start and the Function App', () => {
    const bicepText = readFileSync(join(ROOT, 'infra', 'main.bicep'), 'utf8');
    const shebangEnv = Object.fromEntries([...shebang.matchAll(/ (\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
    expect(shebangEnv).toEqual(GLIBC_MALLOC_ENV);
    for (const [name, value] of Object.entries(GLIBC_MALLOC_ENV)) {
      expect([name, new RegExp(`\\b${name}:\\s*'([^']*)'`).exec(bicepText)?.[1]]).toEqual([name, value]);
    }
    expect(GLIBC_MALLOC_ENV.MALLOC_ARENA_MAX).toBe(MALLOC_ARENA_MAX);
  });

  it('are accepted by node', () => {
    const child = spawnSync(process.execPath, [...launcher.split(' '), '-e', 'process.exit(0)'], { encoding: 'utf8' });
    expect({ status: child.status, stderr: child.stderr }).toEqual({ status: 0, stderr: '' });
    const misspelt = spawnSync(process.execPath, ['--heap-growing-percentage=20', '-e', 'process.exit(0)'], { encoding: 'utf8' });
    expect(misspelt.status).not.toBe(0);
  });
});
