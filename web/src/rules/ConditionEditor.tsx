/**
 * The rule condition editor: CodeMirror 6 with CEL highlighting (a small stream tokenizer),
 * completion of the rule environment's variables, fields, functions and macros (cel-scope.ts, from
 * the server's description of the environment), and the server's type check as the analyst types
 * (debounced): each problem underlined at its place and listed, in words, beside the editor.
 * Loaded on demand with the rule screen's editor (a chunk of its own).
 */
import { useEffect, useRef } from 'react';
import { EditorView, basicSetup } from 'codemirror';
import { EditorState } from '@codemirror/state';
import { HighlightStyle, StreamLanguage, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import type { StringStream } from '@codemirror/language';
import { autocompletion, snippetCompletion } from '@codemirror/autocomplete';
import type {
  Completion as CmCompletion,
  CompletionContext,
  CompletionResult,
} from '@codemirror/autocomplete';
import { linter } from '@codemirror/lint';
import type { Diagnostic } from '@codemirror/lint';
import { suggest } from './cel-scope';
import type { RuleEnvironment, Suggestion } from './cel-scope';

/** A problem the server's type check found, where it is (0-based offset into the condition). */
export interface ConditionProblem {
  readonly code: string;
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/** Where the check of the text in the editor stands: its problems (none: it checks), or not yet. */
export type ConditionCheck = readonly ConditionProblem[] | 'checking' | 'unavailable';

const KEYWORDS = new Set(['in', 'true', 'false', 'null']);

/** CEL tokens: strings (with escapes and raw/triple quotes), numbers, names, operators, comments. */
const cel = StreamLanguage.define<{ afterDot: boolean }>({
  name: 'cel',
  startState: () => ({ afterDot: false }),
  token(stream: StringStream, state) {
    if (stream.eatSpace()) {
      return null;
    }
    if (stream.match('//')) {
      stream.skipToEnd();
      return 'comment';
    }
    const quote = stream.match(/^[rR]?("""|'''|"|')/);
    if (quote) {
      const q = (quote as RegExpMatchArray)[1]!;
      let escaped = false;
      while (!stream.eol()) {
        if (!escaped && stream.match(q)) {
          break;
        }
        escaped = !escaped && stream.next() === '\\';
      }
      state.afterDot = false;
      return 'string';
    }
    if (
      stream.match(/^(0x[0-9a-fA-F]+|\d+\.\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|\d+([eE][+-]?\d+)?)[uU]?/)
    ) {
      state.afterDot = false;
      return 'number';
    }
    const name = stream.match(/^[A-Za-z_]\w*/);
    if (name) {
      const word = (name as RegExpMatchArray)[0];
      const wasAfterDot = state.afterDot;
      state.afterDot = false;
      if (KEYWORDS.has(word) && !wasAfterDot) {
        return word === 'in' ? 'keyword' : 'atom';
      }
      const call = stream.match(/^\s*\(/, false);
      if (call) {
        return wasAfterDot ? 'propertyName.function' : 'variableName.function';
      }
      return wasAfterDot ? 'propertyName' : 'variableName';
    }
    if (stream.eat('.')) {
      state.afterDot = true;
      return 'punctuation';
    }
    state.afterDot = false;
    if (stream.match(/^(&&|\|\||==|!=|<=|>=|[<>!+\-*/%?:])/)) {
      return 'operator';
    }
    stream.next();
    return 'bracket';
  },
  languageData: { commentTokens: { line: '//' }, closeBrackets: { brackets: ['(', '[', '{', '"'] } },
});

const TYPES: Readonly<Record<Suggestion['kind'], string>> = {
  variable: 'variable',
  property: 'property',
  method: 'method',
  function: 'function',
  macro: 'keyword',
  keyword: 'keyword',
  text: 'text',
};

function completionSource(env: RuleEnvironment) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const text = ctx.state.doc.toString();
    const found = suggest(env, text, ctx.pos, ctx.explicit);
    if (found === undefined || found.options.length === 0) {
      return null;
    }
    return {
      from: found.from,
      validFor: /^\w*$/,
      options: found.options.map((o, i): CmCompletion => {
        const base = {
          label: o.label,
          type: TYPES[o.kind],
          detail: o.detail,
          ...(o.description !== null ? { info: o.description } : {}),
          // Variables bound by an open macro first, then the rest as the server ordered them.
          boost: o.kind === 'variable' && i < 5 ? 1 : 0,
        };
        return o.snippet !== undefined ? snippetCompletion(o.snippet, base) : base;
      }),
    };
  };
}

/** The end of the token a problem starts at: the name or the one character there. */
function tokenEnd(text: string, offset: number): number {
  const m = /^[A-Za-z_]\w*|^\S/.exec(text.slice(offset));
  return Math.min(text.length, offset + (m?.[0].length ?? 0));
}

/**
 * Token colours, each at least 4.5:1 on white (WCAG 2.2 AA). Colours only: with a bold or italic
 * token, Chrome's own editing tries to carry the style onto typed text as a style attribute, which
 * the page's content security policy refuses.
 */
const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: '#6f1c8f' },
  { tag: tags.atom, color: '#005a9c' },
  { tag: tags.string, color: '#a31515' },
  { tag: tags.number, color: '#116329' },
  { tag: tags.comment, color: '#5c6370' },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName)], color: '#0550ae' },
  { tag: tags.propertyName, color: '#7a4100' },
  { tag: tags.variableName, color: '#1b1f24' },
  { tag: tags.operator, color: '#a4161a' },
]);

const theme = EditorView.theme({
  '&': { border: '1px solid #767f8c', borderRadius: '4px', background: '#ffffff', fontSize: '14px' },
  '&.cm-focused': { outline: '3px solid #b35c00', outlineOffset: '2px' },
  '.cm-content': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', minHeight: '7em' },
  '.cm-gutters': { background: '#f3f5f8', color: '#4a5260', borderRight: '1px solid #c9ced6' },
  '.cm-activeLineGutter': { background: '#dbe8f6', color: '#1b1f24' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': { background: '#0b5cad', color: '#ffffff' },
  // The list shows a window of options that follows the selection (maxRenderedOptions) instead of
  // scrolling: a scrolling list that cannot take focus is out of reach of some keyboards (axe).
  '.cm-tooltip.cm-tooltip-autocomplete > ul': { maxHeight: 'none', overflowY: 'visible' },
  '.cm-completionDetail': { color: '#4a5260' },
  '.cm-tooltip-autocomplete ul li[aria-selected] .cm-completionDetail': { color: '#ffffff' },
});

export interface ConditionEditorProps {
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly environment: RuleEnvironment;
  /** The server's check of a condition: the problems found, none when it checks. */
  readonly check: (condition: string) => Promise<readonly ConditionProblem[]>;
  /** Told when the text changes (checking) and when the server has answered. */
  readonly onChecked: (check: ConditionCheck) => void;
  readonly labelledBy: string;
  readonly describedBy: string;
  readonly readOnly?: boolean;
}

export default function ConditionEditor(props: ConditionEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // The editor is made once; the latest callbacks are read through this ref.
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.nonce ?? '';
    const check = linter(
      async (v): Promise<Diagnostic[]> => {
        const text = v.state.doc.toString();
        if (text.trim() === '') {
          latest.current.onChecked([]);
          return [];
        }
        let problems: readonly ConditionProblem[];
        try {
          problems = await latest.current.check(text);
        } catch {
          // The check could not be made (offline, signed out): saving will check it.
          latest.current.onChecked('unavailable');
          return [];
        }
        if (v.state.doc.toString() !== text) {
          // Typed on meanwhile: the next check answers for the text as it is now.
          return [];
        }
        latest.current.onChecked(problems);
        return problems.map((p) => ({
          from: Math.min(p.offset, text.length),
          to: tokenEnd(text, Math.min(p.offset, text.length)),
          severity: 'error',
          message: `${p.message} (${p.code})`,
        }));
      },
      { delay: 400 },
    );
    const state = EditorState.create({
      doc: latest.current.value,
      extensions: [
        basicSetup,
        autocompletion({ maxRenderedOptions: 10 }),
        syntaxHighlighting(highlight),
        cel,
        cel.data.of({ autocomplete: completionSource(latest.current.environment) }),
        check,
        theme,
        EditorView.lineWrapping,
        EditorView.cspNonce.of(nonce),
        EditorState.readOnly.of(latest.current.readOnly === true),
        EditorView.contentAttributes.of({
          'aria-labelledby': latest.current.labelledBy,
          'aria-describedby': latest.current.describedBy,
          'aria-multiline': 'true',
          role: 'textbox',
        }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) {
            latest.current.onChange(u.state.doc.toString());
            // Until the server has checked the new text, nothing is said about it.
            latest.current.onChecked('checking');
          }
        }),
      ],
    });
    view.current = new EditorView({ state, parent: host.current! });
    return () => {
      view.current?.destroy();
      view.current = null;
    };
  }, []);

  // A value set from outside (another version loaded) replaces the text.
  useEffect(() => {
    const v = view.current;
    if (v !== null && v.state.doc.toString() !== props.value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: props.value } });
    }
  }, [props.value]);

  return <div ref={host} className="condition-editor" data-testid="condition-editor" />;
}
