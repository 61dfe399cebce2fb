import { runCli } from '../../../src/cli/main';
import { captureIo } from '../../setup/cli';

describe('tuneloop emulator', () => {
  it('serves until SIGINT and prints the settings that point tuneloop at it', async () => {
    const io = captureIo();
    const done = runCli(['emulator', '--port', '0', '--in-memory', '--speed', '50'], io);
    for (let i = 0; i < 200 && !io.out.includes('Press Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 25));
    const url = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(io.out)?.[1];
    expect(url).toBeDefined();
    expect(io.out).toContain(`TUNELOOP_OPENAI_ENDPOINT=${String(url)}`);
    expect(io.out).toMatch(/\(and https:\/\/127\.0\.0\.1:\d+\), speed 50, in memory/);
    const res = await fetch(`${String(url)}/openai/models?api-version=2024-10-21`, { headers: { 'api-key': 'local-placeholder' } });
    expect(res.status).toBe(200);
    process.emit('SIGINT');
    expect(await done).toBe(0);
    expect(io.out).toContain('emulator stopped.');
    await expect(fetch(`${String(url)}/openai/models?api-version=2024-10-21`)).rejects.toThrow();
  });

  it('refuses bad options with a usage error', async () => {
    const io = captureIo();
    expect(await runCli(['emulator', '--speed', '0'], io)).toBe(2);
    expect(io.err).toContain('--speed must be a positive number (got "0")');
    expect(await runCli(['emulator', '--in-memory', '--data-dir', 'x'], io)).toBe(2);
    expect(io.err).toContain('--data-dir and --in-memory exclude each other');
  });
});
