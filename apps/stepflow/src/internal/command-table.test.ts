import { Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, requestedCommand } from './command-table.ts';

describe('COMMANDS', () => {
  it.each(COMMANDS.map((entry) => [entry.name, entry] as const))(
    '%s is listed as its module defines it',
    async (name, entry) => {
      const command = (await entry.load())(
        () => {
          throw new Error('not run');
        },
        () => {},
      );
      expect(command.name()).toBe(name);
      expect(entry.description).toBe(command.description());
      expect(entry.term).toBe(new Help().subcommandTerm(command));
    },
  );
});

describe('requestedCommand', () => {
  it.each([
    [['run', '--flow', 'f.yaml'], 'run'],
    [['--log-level', 'debug', 'test', 'examples'], 'test'],
    [['--log-level=debug', '--log-format', 'json', 'validate'], 'validate'],
    [['help', 'visualize'], 'visualize'],
    [['--help'], undefined],
    [['help'], undefined],
    [[], undefined],
    [['runn'], 'runn'],
  ])('%j asks for %s', (argv, expected) => {
    expect(requestedCommand(argv)).toBe(expected);
  });
});
