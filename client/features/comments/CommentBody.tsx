import type { ReactNode } from 'react';

const urlPattern = /https?:\/\/[^\s<>"'`]+/g;
const trailing = /[.,;:!?)\]}'"]+$/;

/** A safe http(s) link target, or null. */
export function safeHref(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Splits plain text into text and http(s) link parts. */
export function linkify(text: string): { text: string; href: string | null }[] {
  const parts: { text: string; href: string | null }[] = [];
  let last = 0;
  for (const m of text.matchAll(urlPattern)) {
    const raw = m[0].replace(trailing, '');
    const at = m.index;
    const href = safeHref(raw);
    if (!href || raw.length === 0) continue;
    if (at > last) parts.push({ text: text.slice(last, at), href: null });
    parts.push({ text: raw, href });
    last = at + raw.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), href: null });
  return parts;
}

/** A comment body: plain text nodes, with http(s) addresses as links. Never HTML. */
export function CommentBody({ body }: { body: string }) {
  const nodes: ReactNode[] = linkify(body).map((p, i) =>
    p.href ? (
      <a key={i} href={p.href} target="_blank" rel="noopener noreferrer nofollow">
        {p.text}
      </a>
    ) : (
      p.text
    ),
  );
  return (
    <p className="comment__body" data-testid="comment-body">
      {nodes}
    </p>
  );
}
