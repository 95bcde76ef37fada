export type TokenKind = 'keyword' | 'string' | 'comment' | 'number' | 'plain';

export interface Token {
  kind: TokenKind;
  text: string;
}

interface Language {
  keywords: Set<string>;
  lineComment: string[];
}

const C_LIKE = [
  'abstract', 'break', 'case', 'catch', 'class', 'const', 'continue', 'default', 'do', 'else', 'enum', 'export',
  'extends', 'false', 'final', 'finally', 'for', 'function', 'if', 'implements', 'import', 'instanceof',
  'interface', 'let', 'new', 'null', 'package', 'private', 'protected', 'public', 'record', 'return', 'sealed',
  'static', 'super', 'switch', 'this', 'throw', 'throws', 'true', 'try', 'type', 'var', 'void', 'while', 'yield',
  'async', 'await', 'from', 'of', 'in', 'undefined', 'boolean', 'int', 'long', 'double', 'string', 'number',
];
const PYTHON = [
  'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except',
  'False', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'None', 'nonlocal', 'not',
  'or', 'pass', 'raise', 'return', 'True', 'try', 'while', 'with', 'yield',
];
const SHELL = ['if', 'then', 'else', 'elif', 'fi', 'for', 'do', 'done', 'case', 'esac', 'while', 'function', 'return', 'export', 'local'];

const LANGUAGES: Record<string, Language> = {
  c: { keywords: new Set(C_LIKE), lineComment: ['//'] },
  python: { keywords: new Set(PYTHON), lineComment: ['#'] },
  shell: { keywords: new Set(SHELL), lineComment: ['#'] },
  yaml: { keywords: new Set(['true', 'false', 'null', 'yes', 'no']), lineComment: ['#'] },
};

const BY_EXTENSION: Record<string, string> = {
  java: 'c', js: 'c', jsx: 'c', ts: 'c', tsx: 'c', mjs: 'c', cjs: 'c', kt: 'c', go: 'c', rs: 'c', c: 'c',
  h: 'c', cpp: 'c', cs: 'c', swift: 'c', scala: 'c', json: 'c',
  py: 'python', rb: 'python',
  sh: 'shell', bash: 'shell',
  yml: 'yaml', yaml: 'yaml', toml: 'yaml',
};

/** The language a file is coloured as, from its extension; null means plain text (Markdown, unknown). */
export function languageOf(path: string): string | null {
  const ext = path.toLowerCase().split('.').pop() ?? '';
  return BY_EXTENSION[ext] ?? null;
}

/**
 * A line-at-a-time tokenizer: enough to tell keywords, strings, numbers and comments apart in a diff, where
 * lines arrive without their surroundings (a block comment's middle line is coloured as code, by design).
 */
export function tokenize(line: string, language: string | null): Token[] {
  const lang = language ? LANGUAGES[language] : undefined;
  if (!lang) return [{ kind: 'plain', text: line }];
  const tokens: Token[] = [];
  let plain = '';
  const flush = () => {
    if (plain) tokens.push({ kind: 'plain', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < line.length) {
    const rest = line.slice(i);
    const comment = lang.lineComment.find((c) => rest.startsWith(c));
    if (comment) {
      flush();
      tokens.push({ kind: 'comment', text: rest });
      break;
    }
    const ch = line[i];
    if (ch === '"' || ch === "'" || ch === '`') {
      let j = i + 1;
      while (j < line.length && line[j] !== ch) j += line[j] === '\\' ? 2 : 1;
      flush();
      tokens.push({ kind: 'string', text: line.slice(i, Math.min(j + 1, line.length)) });
      i = j + 1;
      continue;
    }
    const word = /^[A-Za-z_$][\w$]*/.exec(rest);
    if (word) {
      if (lang.keywords.has(word[0])) {
        flush();
        tokens.push({ kind: 'keyword', text: word[0] });
      } else {
        plain += word[0];
      }
      i += word[0].length;
      continue;
    }
    const num = /^\d[\d_.]*[a-zA-Z]?/.exec(rest);
    if (num) {
      flush();
      tokens.push({ kind: 'number', text: num[0] });
      i += num[0].length;
      continue;
    }
    plain += ch;
    i++;
  }
  flush();
  return tokens;
}
