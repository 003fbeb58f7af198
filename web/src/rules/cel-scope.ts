/**
 * What may follow the cursor in a CEL condition, from the rule environment the server describes
 * (GET /v1/rule-environment): after `consignor.` the fields of a Party and the methods of its type,
 * after `goods.exists(g, g.` those of a GoodsItem (the macro binds `g` to each element), elsewhere
 * the variables and global functions. Pure: the editor's completion source (cel-editor.ts) calls it,
 * and a node test checks it.
 */

export interface EnvironmentFunction {
  readonly name: string;
  readonly receiver: string | null;
  readonly signature: string;
  readonly params: readonly string[];
  readonly returns: string;
  readonly macro: boolean;
  readonly description: string | null;
}

export interface RuleEnvironment {
  readonly variables: readonly { readonly name: string; readonly type: string }[];
  readonly types: readonly {
    readonly name: string;
    readonly fields: readonly { readonly name: string; readonly type: string }[];
  }[];
  readonly functions: readonly EnvironmentFunction[];
  readonly countryGroups: readonly string[];
  readonly watchlists: readonly string[];
}

export interface Suggestion {
  readonly label: string;
  readonly kind: 'variable' | 'property' | 'method' | 'function' | 'macro' | 'keyword' | 'text';
  /** The type of a variable or field, or the signatures of a function. */
  readonly detail: string;
  readonly description: string | null;
  /** Inserted text with `${…}` fields for the arguments (CodeMirror snippets), when not the label. */
  readonly snippet?: string;
}

export interface Completion {
  /** Where the word being completed starts (an offset in the text). */
  readonly from: number;
  readonly options: readonly Suggestion[];
}

const KEYWORDS = ['true', 'false', 'in', 'null'];
const MACROS = /([A-Za-z_][\w.]*)\s*\.\s*(?:exists|all|exists_one|filter|map)\(\s*([A-Za-z_]\w*)\s*,/g;

/** The element type of `list<T>`, or undefined. */
function elementOf(type: string): string | undefined {
  return type.startsWith('list<') && type.endsWith('>') ? type.slice(5, -1) : undefined;
}

/** Variables bound by the macros still open at the end of `before`, innermost last. */
function boundVariables(before: string): Map<string, string> {
  const bound = new Map<string, string>();
  for (const m of before.matchAll(MACROS)) {
    // Only macros whose parenthesis is still open at the cursor bind their variable here.
    let depth = 0;
    for (let i = m.index + m[0].length; i < before.length; i++) {
      const c = before[i];
      if (c === '(') {
        depth++;
      } else if (c === ')') {
        depth--;
        if (depth < 0) {
          break;
        }
      }
    }
    if (depth >= 0) {
      bound.set(m[2]!, m[1]!);
    }
  }
  return bound;
}

/** The CEL type of a chain of names (`consignor.address`), or undefined when it cannot be told. */
export function typeOfChain(env: RuleEnvironment, chain: string, before: string): string | undefined {
  const parts = chain.split('.').map((p) => p.trim());
  const root = parts[0]!;
  let type: string | undefined;
  const bound = boundVariables(before);
  const boundTo = bound.get(root);
  if (boundTo !== undefined && boundTo.split('.')[0] !== root) {
    const listType = typeOfChain(env, boundTo, before.slice(0, before.lastIndexOf(boundTo)));
    type = listType !== undefined ? elementOf(listType) : undefined;
  } else {
    type = env.variables.find((v) => v.name === root)?.type;
  }
  for (const field of parts.slice(1)) {
    if (type === undefined) {
      return undefined;
    }
    type = env.types.find((x) => x.name === type)?.fields.find((f) => f.name === field)?.type;
  }
  return type;
}

/** A method's receiver type applies to a value of `type` (list<dyn> takes every list). */
function receives(receiver: string, type: string): boolean {
  return receiver === type || (receiver === 'list<dyn>' && type.startsWith('list<'));
}

/** Overloads of one function as one suggestion, with a snippet for its arguments. */
function functionSuggestions(fns: readonly EnvironmentFunction[], kind: 'method' | 'function'): Suggestion[] {
  const byName = new Map<string, EnvironmentFunction[]>();
  for (const f of fns) {
    byName.set(f.name, [...(byName.get(f.name) ?? []), f]);
  }
  return [...byName].map(([name, overloads]) => {
    const first = overloads[0]!;
    const fewest = overloads.reduce((a, b) => (b.params.length < a.params.length ? b : a));
    const snippet = first.macro
      ? `${name}(\${x}, \${})`
      : fewest.params.length === 0
        ? `${name}()`
        : `${name}(${fewest.params.map((p) => `\${${p}}`).join(', ')})`;
    return {
      label: name,
      kind: first.macro ? 'macro' : kind,
      detail: overloads.map((o) => o.signature).join(' · '),
      description: overloads.find((o) => o.description !== null)?.description ?? null,
      snippet,
    };
  });
}

/** What may be typed at `pos` of `text`, or undefined where nothing is offered (inside a number). */
export function suggest(
  env: RuleEnvironment,
  text: string,
  pos: number,
  explicit = false,
): Completion | undefined {
  const before = text.slice(0, pos);
  // Inside a string: the names of watchlists and country groups, where a call takes one.
  const quoted = /"([\w-]*)$/.exec(before);
  if (quoted !== null && (before.slice(0, quoted.index).match(/"/g)?.length ?? 0) % 2 === 0) {
    const start = before.slice(0, quoted.index);
    const names = /(?:watchlist|inWatchlist|watchlistScore)\(\s*$/.test(start)
      ? env.watchlists
      : /inGroup\([^,()]*,\s*$/.test(start)
        ? env.countryGroups
        : undefined;
    if (names === undefined) {
      return undefined;
    }
    return {
      from: quoted.index + 1,
      options: names.map((n) => ({ label: n, kind: 'text', detail: '', description: null })),
    };
  }
  const member = /([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*\.\s*(\w*)$/.exec(before);
  if (member !== null) {
    const word = member[2]!;
    const type = typeOfChain(env, member[1]!.replace(/\s+/g, ''), before.slice(0, member.index));
    if (type === undefined) {
      return undefined;
    }
    const fields = env.types.find((x) => x.name === type)?.fields ?? [];
    const methods = env.functions.filter((f) => f.receiver !== null && receives(f.receiver, type));
    return {
      from: pos - word.length,
      options: [
        ...fields.map((f): Suggestion => ({
          label: f.name,
          kind: 'property',
          detail: f.type,
          description: null,
        })),
        ...functionSuggestions(methods, 'method'),
      ],
    };
  }
  const word = /[A-Za-z_]\w*$/.exec(before);
  if (word === null && !explicit) {
    return undefined;
  }
  if (word !== null && /[\d.]$/.test(before.slice(0, word.index))) {
    return undefined;
  }
  const bound = boundVariables(before);
  return {
    from: pos - (word?.[0].length ?? 0),
    options: [
      ...[...bound].map(([name, list]): Suggestion => {
        const listType = typeOfChain(env, list, before.slice(0, before.lastIndexOf(list)));
        return {
          label: name,
          kind: 'variable',
          detail: (listType !== undefined ? elementOf(listType) : undefined) ?? '',
          description: null,
        };
      }),
      ...env.variables.map((v): Suggestion => ({
        label: v.name,
        kind: 'variable',
        detail: v.type,
        description: null,
      })),
      ...functionSuggestions(
        env.functions.filter((f) => f.receiver === null),
        'function',
      ),
      ...KEYWORDS.map((k): Suggestion => ({ label: k, kind: 'keyword', detail: '', description: null })),
    ],
  };
}
