'use client';
import { EditorContent, useEditor, useEditorState } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import type { ReactNode } from 'react';

/**
 * The message body: a tiptap (ProseMirror) rich-text editor, or a plain textarea. The editor's
 * schema is its sanitizer: only its nodes and marks survive into the HTML it hands back, and links
 * are limited to http(s) and mailto. Changes report both the HTML and its plain-text form.
 */
export function MessageEditor({
  mode,
  html,
  text,
  onChange,
  labelId,
}: {
  mode: 'rich' | 'plain';
  html: string;
  text: string;
  onChange: (next: { html: string; text: string }) => void;
  labelId: string;
}) {
  return mode === 'rich' ? (
    <RichEditor initialHtml={html} onChange={onChange} labelId={labelId} />
  ) : (
    <textarea
      aria-labelledby={labelId}
      data-testid="plain-editor"
      value={text}
      onChange={(e) => onChange({ html: '', text: e.target.value })}
      className="min-h-[14rem] w-full flex-1 resize-none border-0 px-1 py-2 font-mono text-sm focus:outline-none focus:ring-0"
    />
  );
}

function RichEditor({ initialHtml, onChange, labelId }: { initialHtml: string; onChange: (next: { html: string; text: string }) => void; labelId: string }) {
  const editor = useEditor({
    immediatelyRender: false,
    extensions: [
      StarterKit.configure({
        heading: { levels: [2, 3] },
        link: {
          openOnClick: false,
          autolink: true,
          protocols: ['mailto'],
          isAllowedUri: (url, ctx) => /^(https?:|mailto:)/i.test(url) && ctx.defaultValidate(url),
        },
      }),
    ],
    content: initialHtml,
    editorProps: {
      attributes: {
        role: 'textbox',
        'aria-multiline': 'true',
        'aria-labelledby': labelId,
        'data-testid': 'rich-editor',
        class: 'prose-editor min-h-[14rem] px-1 py-2 text-sm focus:outline-none',
      },
    },
    onUpdate: ({ editor: e }) => onChange({ html: e.getHTML(), text: e.getText({ blockSeparator: '\n\n' }) }),
  });
  const marks = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e?.isActive('bold') ?? false,
      italic: e?.isActive('italic') ?? false,
      bullet: e?.isActive('bulletList') ?? false,
      ordered: e?.isActive('orderedList') ?? false,
      quote: e?.isActive('blockquote') ?? false,
    }),
  });
  if (!editor) return <div className="min-h-[14rem]" aria-busy="true" />;
  const chain = () => editor.chain().focus();
  return (
    <div className="flex flex-1 flex-col">
      <div role="toolbar" aria-label="Formatting" className="flex flex-wrap gap-1 border-b border-slate-100 py-1">
        <ToolButton label="Bold" pressed={marks?.bold} onClick={() => chain().toggleBold().run()}>
          <b>B</b>
        </ToolButton>
        <ToolButton label="Italic" pressed={marks?.italic} onClick={() => chain().toggleItalic().run()}>
          <i>I</i>
        </ToolButton>
        <ToolButton label="Bulleted list" pressed={marks?.bullet} onClick={() => chain().toggleBulletList().run()}>
          •≡
        </ToolButton>
        <ToolButton label="Numbered list" pressed={marks?.ordered} onClick={() => chain().toggleOrderedList().run()}>
          {/* A drawn icon: the digit of a "1≡" glyph was visible text missing from the name "Numbered list". */}
          <NumberedListIcon />
        </ToolButton>
        <ToolButton label="Quote" pressed={marks?.quote} onClick={() => chain().toggleBlockquote().run()}>
          ❝
        </ToolButton>
        <ToolButton
          label="Link"
          onClick={() => {
            const url = window.prompt('Link address (https://…)', editor.getAttributes('link').href ?? 'https://');
            if (url === null) return;
            if (url === '') chain().unsetLink().run();
            else chain().extendMarkRange('link').setLink({ href: url }).run();
          }}
        >
          <span className="underline">Link</span>
        </ToolButton>
      </div>
      <EditorContent editor={editor} className="flex-1" />
    </div>
  );
}

function NumberedListIcon() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" className="inline h-4 w-4" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round">
      <path d="M10 6h11M10 12h11M10 18h11M4 4v4M3 8h2M3 14h2l-2 4h2" />
    </svg>
  );
}

function ToolButton({ label, pressed, onClick, children }: { label: string; pressed?: boolean; onClick: () => void; children: ReactNode }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      aria-pressed={pressed}
      onClick={onClick}
      className={`min-w-8 rounded px-2 py-1 text-sm ${pressed ? 'bg-slate-200 text-slate-900' : 'text-slate-700 hover:bg-slate-100'}`}
    >
      <span aria-hidden="true">{children}</span>
    </button>
  );
}
