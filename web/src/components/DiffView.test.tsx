import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DIFF } from '../test/fixtures';
import { parseDiff } from '../lib/diff';
import { DiffView } from './DiffView';

describe('DiffView', () => {
  it('lists the changed files with their added and removed line counts', () => {
    render(<DiffView diff={DIFF} />);
    const files = within(screen.getByRole('navigation', { name: 'Changed files' }));
    expect(files.getByRole('link', { name: 'src/Pay.java' }).getAttribute('href')).toBe('#file-src-Pay-java');
    expect(files.getByLabelText('2 lines added')).toBeTruthy();
    expect(files.getByLabelText('1 lines removed')).toBeTruthy();
    expect(files.getByRole('link', { name: 'README.md' })).toBeTruthy();
  });

  it('numbers lines and marks additions and deletions', () => {
    const [pay] = parseDiff(DIFF);
    const changed = pay.lines.filter((l) => l.kind === 'add' || l.kind === 'del');
    expect(changed.map((l) => [l.kind, l.oldNo, l.newNo])).toEqual([
      ['del', 2, undefined],
      ['add', undefined, 2],
      ['add', undefined, 3],
    ]);
    const { container } = render(<DiffView diff={DIFF} />);
    expect(container.querySelectorAll('tr[data-kind="add"]')).toHaveLength(3);
    expect(container.querySelectorAll('tr[data-kind="del"]')).toHaveLength(1);
  });

  it('colours Java by syntax and leaves Markdown plain', () => {
    render(<DiffView diff={DIFF} />);
    const java = screen.getByRole('region', { name: 'Lines of src/Pay.java' });
    const tokens = (kind: string) => [...java.querySelectorAll(`[data-token="${kind}"]`)].map((e) => e.textContent);
    expect(tokens('keyword')).toEqual(expect.arrayContaining(['public', 'class', 'int', 'long']));
    expect(tokens('comment')).toEqual(['// cents, never floats']);
    expect(tokens('string')).toEqual(['"eur"']);
    expect(tokens('number')).toEqual(expect.arrayContaining(['1', '100']));
    const markdown = screen.getByRole('region', { name: 'Lines of README.md' });
    expect(markdown.querySelectorAll('[data-token]')).toHaveLength(0);
    expect(markdown.textContent).toContain('# Payments');
  });

  it('says so when the change is empty', () => {
    render(<DiffView diff="" />);
    expect(screen.getByText('The change is empty.')).toBeTruthy();
  });
});
