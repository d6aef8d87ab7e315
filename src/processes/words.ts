// Splits a command line into words the way a POSIX shell would (quotes and
// backslashes), without running one. It also reports the shell features a line
// uses (pipes, `&&`, `$VAR`, globs, ...), because such a line only means what
// its author meant when a real shell runs it.

export type SplitResult =
  | { ok: true; words: string[]; shellFeatures: string[] }
  | { ok: false; problem: string };

const OPERATORS = new Set(['|', '&', ';', '<', '>', '(', ')']);
const GLOB = new Set(['*', '?', '[']);

export function splitWords(line: string): SplitResult {
  const words: string[] = [];
  const features = new Set<string>();
  let word = '';
  let inWord = false;
  let i = 0;

  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };

  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      endWord();
      i++;
    } else if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) return { ok: false, problem: `unbalanced single quote at character ${i + 1}` };
      word += line.slice(i + 1, close);
      inWord = true;
      i = close + 1;
    } else if (c === '"') {
      i++;
      inWord = true;
      let closed = false;
      while (i < line.length) {
        const d = line[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1]!)) {
          word += line[i + 1];
          i += 2;
          continue;
        }
        if (d === '$') features.add('$ expansion');
        if (d === '`') features.add('` command substitution');
        word += d;
        i++;
      }
      if (!closed) return { ok: false, problem: 'unbalanced double quote' };
    } else if (c === '\\') {
      if (i + 1 >= line.length) return { ok: false, problem: 'a trailing backslash escapes nothing' };
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else {
      if (OPERATORS.has(c)) features.add(`${c} operator`);
      else if (c === '$') features.add('$ expansion');
      else if (c === '`') features.add('` command substitution');
      else if (GLOB.has(c)) features.add(`${c} glob`);
      else if (c === '#' && !inWord) features.add('# comment');
      else if (c === '~' && !inWord) features.add('~ home expansion');
      else if (c === '=' && words.length === 0 && inWord && /^[A-Za-z_][A-Za-z0-9_]*$/.test(word)) {
        features.add('VAR=value assignment');
      }
      word += c;
      inWord = true;
      i++;
    }
  }
  endWord();
  return { ok: true, words, shellFeatures: [...features] };
}
