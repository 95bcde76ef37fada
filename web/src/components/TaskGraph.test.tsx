import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RUN } from '../test/fixtures';
import { layout } from '../lib/graphLayout';
import { TaskGraph } from './TaskGraph';

describe('TaskGraph', () => {
  it('draws one node per task, coloured and labelled by state, linking to the task page', () => {
    render(<TaskGraph run="r-1" tasks={RUN.tasks} />);
    const payments = screen.getByRole('link', { name: 'payments review forced awaiting review backend sonnet attempt #2 $0.31' });
    expect(payments.getAttribute('href')).toBe('/runs/r-1/tasks/payments');
    expect(payments.getAttribute('data-state')).toBe('awaiting_review');
    expect(payments.className).toContain('bg-amber-50');
    expect(payments.textContent).toContain('review');
    const docs = screen.getByRole('link', { name: /^docs running writer haiku/ });
    expect(docs.className).toContain('bg-blue-50');
    expect(docs.textContent).not.toContain('review');
    expect(screen.getAllByRole('link')).toHaveLength(4);
  });

  it('draws an edge for every dependency, and none for dependencies outside the run', () => {
    const tasks = [...RUN.tasks, { ...RUN.tasks[0], id: 'orphan', dependsOn: ['elsewhere'] }];
    const { container } = render(<TaskGraph run="r-1" tasks={tasks} />);
    const edges = [...container.querySelectorAll('path[data-edge]')].map((p) => p.getAttribute('data-edge'));
    expect(edges.sort()).toEqual(['docs->release', 'payments->release', 'schema->docs', 'schema->payments']);
  });

  it('puts every task right of what it depends on', () => {
    const placed = layout(RUN.tasks);
    const column = new Map(placed.nodes.map((n) => [n.task.id, n.column]));
    for (const edge of placed.edges) {
      expect(column.get(edge.to)!).toBeGreaterThan(column.get(edge.from)!);
    }
    expect(placed.columns).toBe(3);
    expect(placed.rows).toBe(2);
  });

  it('does not hang on a dependency cycle', () => {
    const a = { ...RUN.tasks[0], id: 'a', dependsOn: ['b'] };
    const b = { ...RUN.tasks[0], id: 'b', dependsOn: ['a'] };
    expect(layout([a, b]).nodes).toHaveLength(2);
  });
});
