import type { TextBlock } from '../../../shared/schemas/history';

/** Plain text blocks, read-only: headings at their level, list items as a list, the rest as paragraphs. */
export function TextBlocks({ blocks, empty }: { blocks: readonly TextBlock[]; empty: string }) {
  if (blocks.every((b) => b.text.trim() === '')) return <p className="muted">{empty}</p>;
  return (
    <div className="text-blocks">
      {blocks.map((b, i) => {
        if (b.kind === 'heading') {
          const level = Math.min(6, Math.max(3, (b.level ?? 1) + 2));
          const H = `h${level}` as 'h3' | 'h4' | 'h5' | 'h6';
          return <H key={i}>{b.text}</H>;
        }
        if (b.kind === 'listItem') return <p key={i} className="text-blocks__item">• {b.text}</p>;
        return <p key={i}>{b.text}</p>;
      })}
    </div>
  );
}
