/** Specs: p1rx emulator's --fault option. */
import { Command, CommanderError } from 'commander';
import { registerEmulator } from '../../lib/cli/emulatorCommand';

/** Parses `argv` with only the emulator command; resolves with commander's error output. */
async function parseError(argv: string[]): Promise<{ error: unknown; output: string }> {
  let output = '';
  const program = new Command('p1rx').exitOverride().configureOutput({ writeErr: (s) => (output += s), writeOut: () => undefined });
  registerEmulator(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return { error: undefined, output };
  } catch (error) {
    return { error, output };
  }
}

describe('p1rx emulator --fault', () => {
  it('should reject a bad --fault spec, naming the flag and what is wrong', async () => {
    const { error, output } = await parseError(['emulator', '--fault', 'error:0.1', '--fault', 'boom:0.1']);
    expect(error).toBeInstanceOf(CommanderError);
    expect(output).toContain("option '--fault <spec>' argument 'boom:0.1' is invalid");
    expect(output).toContain("unknown fault kind 'boom'");
  });

  it('should reject a non-integer --fault-seed', async () => {
    const { error, output } = await parseError(['emulator', '--fault', 'error:0.1', '--fault-seed', 'x']);
    expect(error).toBeInstanceOf(CommanderError);
    expect(output).toContain("--fault-seed must be an integer, got 'x'");
  });

  it('should document the spec syntax in --help', async () => {
    let help = '';
    const program = new Command('p1rx').exitOverride().configureOutput({ writeOut: (s) => (help += s), writeErr: () => undefined });
    registerEmulator(program);
    await expect(program.parseAsync(['emulator', '--help'], { from: 'user' })).rejects.toBeInstanceOf(CommanderError);
    expect(help).toContain('--fault <spec>');
    expect(help).toContain('kind:rate[:name=value...][@ROUTE]');
    expect(help).toContain('--fault-seed <n>');
  });
});
