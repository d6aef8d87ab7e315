import { describe, expect, it } from 'vitest';
import { splitWords, type SplitResult } from './words';

function ok(line: string): { words: string[]; shellFeatures: string[] } {
  const result: SplitResult = splitWords(line);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(line)} to split, got: ${result.problem}`);
  return result;
}

describe('splitWords: words', () => {
  it.each<[string, string[]]>([
    ['', []],
    ['   ', []],
    ['node', ['node']],
    ['node app.js', ['node', 'app.js']],
    ['  node \t app.js\n--x  ', ['node', 'app.js', '--x']],
    ["'a b' c", ['a b', 'c']],
    ['"a b" c', ['a b', 'c']],
    ["a'b c'd", ['ab cd']],
    [`"it's"`, ["it's"]],
    [`'say "hi"'`, ['say "hi"']],
    ["''", ['']],
    ['""', ['']],
    ["a '' b", ['a', '', 'b']],
    ["a''b", ['ab']],
    ['a\\ b', ['a b']],
    ['\\"x\\"', ['"x"']],
    ["\\'", ["'"]],
    ['a\\\\b', ['a\\b']],
    // inside double quotes a backslash escapes only " \ $ ` and newline; elsewhere it stays
    ['"a\\"b"', ['a"b']],
    ['"a\\\\b"', ['a\\b']],
    ['"a\\$b"', ['a$b']],
    ['"a\\`b"', ['a`b']],
    ['"a\\nb"', ['a\\nb']],
    ['"a\\b"', ['a\\b']],
    // inside single quotes nothing is special
    ["'a\\nb $x'", ['a\\nb $x']],
    ['--name="John Smith"', ['--name=John Smith']],
    ['python3 -m http.server 8080', ['python3', '-m', 'http.server', '8080']],
    ['wé ünï', ['wé', 'ünï']],
  ])('%j -> %j', (line, words) => {
    expect(ok(line).words).toEqual(words);
  });
});

describe('splitWords: shell features', () => {
  it.each<[string, string[]]>([
    ['a | b', ['| operator']],
    ['a|b', ['| operator']],
    ['a && b', ['& operator']],
    ['a || b', ['| operator']],
    ['a &', ['& operator']],
    ['a ; b', ['; operator']],
    ['a;b', ['; operator']],
    ['a < in', ['< operator']],
    ['a > out', ['> operator']],
    ['a 2>&1', ['> operator', '& operator']],
    ['(a)', ['( operator', ') operator']],
    ['echo $HOME', ['$ expansion']],
    ['echo ${HOME}', ['$ expansion']],
    ['echo "$HOME"', ['$ expansion']],
    ['echo $(date)', ['$ expansion', '( operator', ') operator']],
    ['echo `date`', ['` command substitution']],
    ['echo "`date`"', ['` command substitution']],
    ['ls *.js', ['* glob']],
    ['ls file?.js', ['? glob']],
    ['ls [ab].js', ['[ glob']],
    ['FOO=bar cmd', ['VAR=value assignment']],
    ['_X1=1 cmd', ['VAR=value assignment']],
    ['# just a comment', ['# comment']],
    ['cmd #trailing comment', ['# comment']],
    ['cat ~/x', ['~ home expansion']],
    ['~', ['~ home expansion']],
    ['a | b | c && $X', ['| operator', '& operator', '$ expansion']],
  ])('%j uses %j', (line, features) => {
    expect(ok(line).shellFeatures).toEqual(features);
  });

  it.each([
    "'a | b'",
    '"a | b"',
    'a\\|b',
    "'a && b'",
    '"a && b"',
    "'$HOME'",
    '"\\$HOME"',
    '\\$HOME',
    "'`date`'",
    '"\\`date\\`"',
    "'*.js'",
    '"*.js"',
    '\\*.js',
    "'# not a comment'",
    'a#b',
    'issue#12',
    "'~/x'",
    'a~b',
    '\\~',
    'cmd FOO=bar',
    '--opt=value',
    '1X=2 cmd',
    "'FOO=bar'",
    'a-b=c d',
    "'a;b' \"c<d>e\" 'f(g)'",
  ])('%j uses no shell feature', (line) => {
    expect(ok(line).shellFeatures).toEqual([]);
  });

  it('keeps the operator characters in the words it returns', () => {
    expect(ok('a|b && c').words).toEqual(['a|b', '&&', 'c']);
  });
});

describe('splitWords: problems', () => {
  it.each([
    ["'abc", 'unbalanced single quote at character 1'],
    ["ab 'c", 'unbalanced single quote at character 4'],
    ['"abc', 'unbalanced double quote'],
    ['"abc\\"', 'unbalanced double quote'],
    ['abc \\', 'a trailing backslash escapes nothing'],
  ])('%j -> %s', (line, problem) => {
    expect(splitWords(line)).toEqual({ ok: false, problem });
  });
});
