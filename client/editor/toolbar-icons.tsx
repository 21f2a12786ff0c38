import type { ReactNode } from 'react';

/**
 * The toolbar's icons: inline SVG strokes on a 20×20 grid, drawn in the text colour.
 * They are decoration (aria-hidden): each button's name is its translated label.
 */
export type ToolIcon =
  | 'bold'
  | 'italic'
  | 'heading2'
  | 'heading3'
  | 'bulletList'
  | 'orderedList'
  | 'link'
  | 'table'
  | 'addRow'
  | 'addColumn'
  | 'deleteRow'
  | 'deleteColumn'
  | 'mergeCells'
  | 'deleteTable'
  | 'undo'
  | 'redo';

function paths(icon: ToolIcon): ReactNode {
  switch (icon) {
    case 'bold':
      return <path d="M6 3.5h5a3.2 3.2 0 0 1 0 6.4H6zM6 9.9h5.8a3.3 3.3 0 0 1 0 6.6H6z" strokeWidth="2.2" />;
    case 'italic':
      return <path d="M9 3.5h7M4 16.5h7M12.5 3.5l-5 13" />;
    case 'heading2':
      return <path d="M2 4v12M2 10h7M9 4v12M12 8.2a2.6 2.6 0 1 1 5 1c-.8 2.2-5 3.6-5 6.8h5.2" />;
    case 'heading3':
      return <path d="M2 4v12M2 10h7M9 4v12M12 5h5l-2.8 4.2a3.2 3.2 0 1 1-2.4 5.5" />;
    case 'bulletList':
      return (
        <>
          <circle cx="4" cy="5" r="1.3" fill="currentColor" />
          <circle cx="4" cy="10" r="1.3" fill="currentColor" />
          <circle cx="4" cy="15" r="1.3" fill="currentColor" />
          <path d="M8 5h9M8 10h9M8 15h9" />
        </>
      );
    case 'orderedList':
      return <path d="M2.5 3.5 4 2.8v4.4M2.5 8.2h3M2.6 12.3a1.3 1.3 0 1 1 2.3.9L2.6 17h2.8M8.5 5h9M8.5 10h9M8.5 15h9" strokeWidth="1.4" />;
    case 'link':
      return <path d="M8.6 11.4a3.4 3.4 0 0 0 4.8 0l3-3a3.4 3.4 0 0 0-4.8-4.8l-1 1M11.4 8.6a3.4 3.4 0 0 0-4.8 0l-3 3a3.4 3.4 0 0 0 4.8 4.8l1-1" />;
    case 'table':
      return <path d="M2.5 4h15v12h-15zM2.5 8h15M2.5 12h15M7.5 4v12M12.5 4v12" />;
    case 'addRow':
      return <path d="M2.5 2.5h15v8h-15zM2.5 6.5h15M7.5 2.5v8M12.5 2.5v8M10 12.5v6M7 15.5h6" />;
    case 'addColumn':
      return <path d="M2.5 2.5h8v15h-8zM6.5 2.5v15M2.5 7.5h8M2.5 12.5h8M15.5 7v6M12.5 10h6" />;
    case 'deleteRow':
      return <path d="M2.5 2.5h15v8h-15zM2.5 6.5h15M7.5 2.5v8M12.5 2.5v8M7 15.5h6" />;
    case 'deleteColumn':
      return <path d="M2.5 2.5h8v15h-8zM6.5 2.5v15M2.5 7.5h8M2.5 12.5h8M12.5 10h6" />;
    case 'mergeCells':
      return <path d="M2.5 4h15v12h-15zM10 4v3M10 13v3M5 10h10M7 8l-2 2 2 2M13 8l2 2-2 2" />;
    case 'deleteTable':
      return <path d="M2.5 4h10v10h-10zM2.5 7.5h10M2.5 10.8h10M6 4v10M9.3 4v10M13.5 13.5l4.5 4.5M18 13.5l-4.5 4.5" />;
    case 'undo':
      return <path d="M7 4 3 8l4 4M3 8h9.5a4.5 4.5 0 0 1 0 9H9" />;
    case 'redo':
      return <path d="m13 4 4 4-4 4M17 8H7.5a4.5 4.5 0 0 0 0 9H11" />;
    default: {
      const never: never = icon;
      return never;
    }
  }
}

export function Icon({ icon }: { icon: ToolIcon }) {
  return (
    <svg className="toolbar__icon" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" strokeLinejoin="round">
      {paths(icon)}
    </svg>
  );
}
