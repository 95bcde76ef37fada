import { parseDiff, type DiffLine } from '../lib/diff';
import { languageOf, tokenize, type TokenKind } from '../lib/highlight';

const TOKEN_CLASSES: Record<TokenKind, string> = {
  keyword: 'font-semibold text-purple-800 dark:text-purple-300',
  string: 'text-teal-800 dark:text-teal-300',
  comment: 'italic text-slate-600 dark:text-slate-400',
  number: 'text-blue-800 dark:text-blue-300',
  plain: '',
};

const LINE_CLASSES: Record<DiffLine['kind'], string> = {
  add: 'bg-green-50 dark:bg-green-950',
  del: 'bg-red-50 dark:bg-red-950',
  context: '',
  hunk: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
  meta: 'text-slate-600 dark:text-slate-400',
};

const SIGN: Record<DiffLine['kind'], string> = { add: '+', del: '-', context: ' ', hunk: '', meta: '' };

function fileAnchor(path: string): string {
  return `file-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** A unified diff: the file list (links to each file), then each file's lines coloured by change and syntax. */
export function DiffView({ diff }: { diff: string }) {
  const files = parseDiff(diff);
  if (files.length === 0) {
    return <p className="text-sm text-slate-700 dark:text-slate-300">The change is empty.</p>;
  }
  return (
    <div className="space-y-4">
      <nav aria-label="Changed files">
        <ul className="space-y-1 text-sm">
          {files.map((file) => (
            <li key={file.path} className="flex flex-wrap items-center gap-2">
              <a className="break-all font-mono text-blue-800 underline dark:text-blue-300" href={`#${fileAnchor(file.path)}`}>
                {file.path}
              </a>
              <span className="text-green-800 dark:text-green-300" aria-label={`${file.added} lines added`}>
                +{file.added}
              </span>
              <span className="text-red-800 dark:text-red-300" aria-label={`${file.removed} lines removed`}>
                -{file.removed}
              </span>
            </li>
          ))}
        </ul>
      </nav>
      {files.map((file) => {
        const language = languageOf(file.path);
        return (
          <section key={file.path} id={fileAnchor(file.path)} aria-label={`Diff of ${file.path}`} className="rounded border border-slate-300 dark:border-slate-600">
            <h4 className="break-all border-b border-slate-300 bg-slate-50 px-2 py-1 font-mono text-sm font-semibold dark:border-slate-600 dark:bg-slate-900">
              {file.path}
            </h4>
            <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={`Lines of ${file.path}`}>
              <table className="w-full border-collapse font-mono text-xs leading-5">
                <tbody>
                  {file.lines.map((line, index) => (
                    <tr key={index} className={LINE_CLASSES[line.kind]} data-kind={line.kind}>
                      <td className="select-none px-1 text-right text-slate-600 dark:text-slate-400">{line.oldNo ?? ''}</td>
                      <td className="select-none px-1 text-right text-slate-600 dark:text-slate-400">{line.newNo ?? ''}</td>
                      <td className="select-none px-1" aria-hidden="true">
                        {SIGN[line.kind]}
                      </td>
                      <td className="whitespace-pre pr-2">
                        {line.kind === 'hunk' || line.kind === 'meta'
                          ? line.text
                          : tokenize(line.text, language).map((token, i) =>
                              token.kind === 'plain' ? (
                                token.text
                              ) : (
                                <span key={i} className={TOKEN_CLASSES[token.kind]} data-token={token.kind}>
                                  {token.text}
                                </span>
                              ),
                            )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
    </div>
  );
}
