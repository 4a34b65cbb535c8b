/**
 * The subset of GameLift's SearchGameSessions grammar Joinery understands
 * (see docs/gamelift.md):
 *
 *   filter     := or
 *   or         := and ( 'OR' and )*
 *   and        := not ( 'AND' not )*
 *   not        := 'NOT' not | '(' filter ')' | comparison
 *   comparison := operand comparator value
 *   operand    := gameSessionId | gameSessionName | creationTimeMillis | playerSessionCount
 *               | maximumSessions | hasAvailablePlayerSessions | gameSessionProperties.<key>
 *   comparator := '=' | '<>' | '<' | '>' | '<=' | '>='
 *   value      := number | true | false | 'string' (backslash escapes \' and \\)
 *   sort       := operand ( 'ASC' | 'DESC' )
 *
 * Keywords are case-insensitive; operand names are not. Strings and booleans
 * only take `=` and `<>`; numbers take every comparator.
 */

export const FIELDS = [
  'gameSessionId',
  'gameSessionName',
  'creationTimeMillis',
  'playerSessionCount',
  'maximumSessions',
  'hasAvailablePlayerSessions',
] as const;
export type FieldName = (typeof FIELDS)[number];

export type Operand = { kind: 'field'; name: FieldName } | { kind: 'property'; key: string };
export type Comparator = '=' | '<>' | '<' | '>' | '<=' | '>=';
export type Value =
  { type: 'string'; value: string } | { type: 'number'; value: number } | { type: 'boolean'; value: boolean };

export type FilterNode =
  | { type: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { type: 'not'; operand: FilterNode }
  | { type: 'compare'; operand: Operand; comparator: Comparator; value: Value };

export interface SortSpec {
  operand: Operand;
  direction: 'ASC' | 'DESC';
}

export class SearchExpressionError extends Error {}

const FIELD_TYPES: Record<FieldName, Value['type']> = {
  gameSessionId: 'string',
  gameSessionName: 'string',
  creationTimeMillis: 'number',
  playerSessionCount: 'number',
  maximumSessions: 'number',
  hasAvailablePlayerSessions: 'boolean',
};

const PROPERTY_PREFIX = 'gameSessionProperties.';
const PROPERTY_KEY = /^[A-Za-z0-9_-]{1,32}$/;
const MAX_DEPTH = 32;

type Token =
  | { kind: 'word'; text: string; at: number }
  | { kind: 'string'; text: string; at: number }
  | { kind: 'number'; value: number; text: string; at: number }
  | { kind: 'comparator'; text: Comparator; at: number }
  | { kind: '(' | ')'; at: number };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c, at: i });
      i++;
    } else if (c === '<' || c === '>' || c === '=') {
      const two = input.slice(i, i + 2);
      const text = (['<=', '>=', '<>'].includes(two) ? two : c) as Comparator;
      tokens.push({ kind: 'comparator', text, at: i });
      i += text.length;
    } else if (c === "'" || c === '"') {
      // Single or double quotes, as the API reference writes them (`gameSessionName = "Matt's game"`).
      const quote = c;
      const start = i;
      let text = '';
      i++;
      for (;;) {
        if (i >= input.length) throw new SearchExpressionError(`Unterminated string starting at position ${start}`);
        const d = input[i];
        if (d === '\\' && i + 1 < input.length) {
          text += input[i + 1];
          i += 2;
        } else if (d === quote) {
          i++;
          break;
        } else {
          text += d;
          i++;
        }
      }
      tokens.push({ kind: 'string', text, at: start });
    } else if (/[-0-9]/.test(c)) {
      const match = /^-?\d+(\.\d+)?/.exec(input.slice(i));
      if (!match) throw new SearchExpressionError(`Unexpected '${c}' at position ${i}`);
      tokens.push({ kind: 'number', value: Number(match[0]), text: match[0], at: i });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(input.slice(i))!;
      tokens.push({ kind: 'word', text: match[0], at: i });
      i += match[0].length;
    } else {
      throw new SearchExpressionError(`Unexpected '${c}' at position ${i}`);
    }
  }
  return tokens;
}

function describe(token: Token | undefined): string {
  if (!token) return 'end of expression';
  const text = 'text' in token ? token.text : token.kind;
  return `'${text}' at position ${token.at}`;
}

class Parser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  get done(): boolean {
    return this.position >= this.tokens.length;
  }

  peek(): Token | undefined {
    return this.tokens[this.position];
  }

  next(): Token | undefined {
    return this.tokens[this.position++];
  }

  keyword(word: string): boolean {
    const token = this.peek();
    if (token?.kind === 'word' && token.text.toUpperCase() === word) {
      this.position++;
      return true;
    }
    return false;
  }

  or(depth: number): FilterNode {
    let left = this.and(depth);
    while (this.keyword('OR')) left = { type: 'or', left, right: this.and(depth) };
    return left;
  }

  and(depth: number): FilterNode {
    let left = this.not(depth);
    while (this.keyword('AND')) left = { type: 'and', left, right: this.not(depth) };
    return left;
  }

  not(depth: number): FilterNode {
    if (depth > MAX_DEPTH) throw new SearchExpressionError(`Expression nests deeper than ${MAX_DEPTH} levels`);
    if (this.keyword('NOT')) return { type: 'not', operand: this.not(depth + 1) };
    if (this.peek()?.kind === '(') {
      this.next();
      const inner = this.or(depth + 1);
      const close = this.next();
      if (close?.kind !== ')') throw new SearchExpressionError(`Expected ')' but found ${describe(close)}`);
      return inner;
    }
    return this.comparison();
  }

  operand(): Operand {
    const token = this.next();
    if (token?.kind !== 'word') throw new SearchExpressionError(`Expected an operand but found ${describe(token)}`);
    if ((FIELDS as readonly string[]).includes(token.text)) return { kind: 'field', name: token.text as FieldName };
    if (token.text.startsWith(PROPERTY_PREFIX)) {
      const key = token.text.slice(PROPERTY_PREFIX.length);
      if (!PROPERTY_KEY.test(key)) {
        throw new SearchExpressionError(
          `Game property key '${key}' cannot be searched (1-32 characters of A-Z a-z 0-9 _ -)`,
        );
      }
      return { kind: 'property', key };
    }
    throw new SearchExpressionError(
      `Unknown operand '${token.text}' at position ${token.at}; expected one of ${FIELDS.join(', ')}, gameSessionProperties.<key>`,
    );
  }

  comparison(): FilterNode {
    const operand = this.operand();
    const comparatorToken = this.next();
    if (comparatorToken?.kind !== 'comparator') {
      throw new SearchExpressionError(`Expected a comparator but found ${describe(comparatorToken)}`);
    }
    const comparator = comparatorToken.text;
    const valueToken = this.next();
    let value: Value;
    if (valueToken?.kind === 'string') value = { type: 'string', value: valueToken.text };
    else if (valueToken?.kind === 'number') value = { type: 'number', value: valueToken.value };
    else if (valueToken?.kind === 'word' && /^(true|false)$/i.test(valueToken.text)) {
      value = { type: 'boolean', value: valueToken.text.toLowerCase() === 'true' };
    } else {
      throw new SearchExpressionError(`Expected a value but found ${describe(valueToken)}`);
    }
    const name = operand.kind === 'field' ? operand.name : `gameSessionProperties.${operand.key}`;
    const expected =
      operand.kind === 'field' ? FIELD_TYPES[operand.name] : value.type === 'boolean' ? 'string' : value.type;
    if (value.type !== expected) {
      throw new SearchExpressionError(`${name} compares with a ${expected} value, not a ${value.type}`);
    }
    if (value.type !== 'number' && comparator !== '=' && comparator !== '<>') {
      throw new SearchExpressionError(`${name} takes only = and <> with a ${value.type} value`);
    }
    return { type: 'compare', operand, comparator, value };
  }
}

export function parseFilterExpression(input: string): FilterNode {
  const parser = new Parser(tokenize(input));
  if (parser.done) throw new SearchExpressionError('FilterExpression is empty');
  const node = parser.or(0);
  if (!parser.done) throw new SearchExpressionError(`Unexpected ${describe(parser.peek())}`);
  return node;
}

export function parseSortExpression(input: string): SortSpec {
  const parser = new Parser(tokenize(input));
  const operand = parser.operand();
  const direction = parser.next();
  const order = direction?.kind === 'word' ? direction.text.toUpperCase() : undefined;
  if (order !== 'ASC' && order !== 'DESC') {
    throw new SearchExpressionError(`Expected ASC or DESC but found ${describe(direction)}`);
  }
  if (!parser.done) throw new SearchExpressionError(`Unexpected ${describe(parser.peek())}`);
  return { operand, direction: order };
}
