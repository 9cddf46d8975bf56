// Reads the shell commands shown in the docs, as a reader would type them.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One command of a ```sh block: where it is, and what it says. */
export interface DocCommand {
  /** The doc file, relative to the repository root. */
  readonly file: string;
  /** The 1-based line the command starts on. */
  readonly line: number;
  /** The command, continuation lines joined. */
  readonly command: string;
}

/** Every Markdown file whose commands a reader runs from the repository root. */
export function docFiles(): string[] {
  const files = ['README.md'];
  const add = (dir: string, pick: (name: string) => string | undefined): void => {
    const absolute = join(ROOT, dir);
    if (!existsSync(absolute)) return;
    for (const name of readdirSync(absolute).sort()) {
      const file = pick(name);
      if (file !== undefined && existsSync(join(absolute, file))) files.push(join(dir, file));
    }
  };
  add('docs', (name) => (name.endsWith('.md') ? name : undefined));
  for (const dir of ['apps', 'packages', 'examples']) add(dir, (name) => join(name, 'README.md'));
  add('tests', (name) => (name === 'README.md' ? name : undefined));
  return files;
}

/**
 * The commands of the ```sh / ```bash / ```console blocks of `file`. In a block with `$ ` prompts
 * only the prompted lines are commands (the rest is their output); comment lines are dropped and
 * lines ending in `\` are joined with the next.
 */
export function docCommands(file: string): DocCommand[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const commands: DocCommand[] = [];
  let block: { line: number; text: string }[] | undefined;
  for (const [index, text] of lines.entries()) {
    if (block === undefined) {
      if (/^```(sh|bash|shell|console)\s*$/.test(text)) block = [];
      continue;
    }
    if (/^```\s*$/.test(text)) {
      commands.push(...blockCommands(file, block));
      block = undefined;
      continue;
    }
    block.push({ line: index + 1, text });
  }
  return commands;
}

function blockCommands(file: string, block: { line: number; text: string }[]): DocCommand[] {
  const prompted = block.some(({ text }) => text.startsWith('$ '));
  const commands: DocCommand[] = [];
  let pending: { line: number; parts: string[] } | undefined;
  for (const { line, text } of block) {
    let command = text;
    if (pending === undefined) {
      if (prompted) {
        if (!text.startsWith('$ ')) continue;
        command = text.slice(2);
      }
      if (command.trim() === '' || command.trimStart().startsWith('#')) continue;
      pending = { line, parts: [] };
    }
    const continued = command.endsWith('\\');
    pending.parts.push(continued ? command.slice(0, -1).trimEnd() : command.trim());
    if (!continued) {
      commands.push({ file, line: pending.line, command: pending.parts.join(' ').trim() });
      pending = undefined;
    }
  }
  return commands;
}

/** A doc path for messages: `docs/cli.md:8`. */
export function where(command: DocCommand): string {
  return `${command.file}:${command.line}`;
}

/** Every flow file under examples/, relative to the repository root. */
export function exampleFlows(): string[] {
  const flows: string[] = [];
  for (const dir of readdirSync(join(ROOT, 'examples')).sort()) {
    const absolute = join(ROOT, 'examples', dir);
    for (const name of readdirSync(absolute).sort()) {
      if (!/\.ya?ml$/.test(name) || name.startsWith('stepflow-config')) continue;
      const text = readFileSync(join(absolute, name), 'utf8');
      if (/^schema: https:\/\/stepflow\.org\/schemas\/v1\/flow\.json/m.test(text)) {
        flows.push(relative(ROOT, join(absolute, name)));
      }
    }
  }
  return flows;
}
