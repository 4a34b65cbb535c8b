import { SESSION_FIELDS, type SqlParams } from '../session/session-reader.js';
import type { Comparator, FilterNode, Operand, SortSpec } from './search-expression.js';

/** SQL operators by comparator: a fixed table, never text from the request. */
const SQL_OPERATORS: Record<Comparator, string> = { '=': '=', '<>': '<>', '<': '<', '>': '>', '<=': '<=', '>=': '>=' };

/** A property's value as a number when it looks like one, else NULL (so it matches no numeric comparison). */
const numericOrNull = (expression: string) =>
  `(CASE WHEN ${expression} ~ '^-?[0-9]+(\\.[0-9]+)?$' THEN (${expression})::numeric END)`;

function operandSql(operand: Operand, params: SqlParams): string {
  if (operand.kind === 'property') return SESSION_FIELDS.property(params.add(operand.key));
  switch (operand.name) {
    case 'gameSessionId':
      return SESSION_FIELDS.id;
    case 'gameSessionName':
      return SESSION_FIELDS.name;
    case 'creationTimeMillis':
      return SESSION_FIELDS.createdAtMillis;
    case 'playerSessionCount':
      return SESSION_FIELDS.playerCount;
    case 'maximumSessions':
      return SESSION_FIELDS.maxPlayers;
    case 'hasAvailablePlayerSessions':
      return SESSION_FIELDS.acceptsPlayers;
  }
}

/**
 * Translates a parsed filter to a parameterized SQL condition over
 * `game_session g`. Every value becomes a placeholder; `<>` on strings and
 * booleans uses IS DISTINCT FROM, so sessions without the value match it.
 * `resolveId` turns a gameSessionId value (ARN or UUID) into the UUID text.
 */
export function filterToSql(node: FilterNode, params: SqlParams, resolveId: (value: string) => string): string {
  switch (node.type) {
    case 'and':
    case 'or':
      return `(${filterToSql(node.left, params, resolveId)} ${node.type.toUpperCase()} ${filterToSql(node.right, params, resolveId)})`;
    case 'not':
      return `(NOT coalesce(${filterToSql(node.operand, params, resolveId)}, false))`;
    case 'compare': {
      const { operand, comparator, value } = node;
      if (value.type === 'number') {
        const left =
          operand.kind === 'property' ? numericOrNull(operandSql(operand, params)) : operandSql(operand, params);
        return `(${left} ${SQL_OPERATORS[comparator]} ${params.add(value.value)}::numeric)`;
      }
      const left = operandSql(operand, params);
      const right =
        value.type === 'boolean'
          ? `${params.add(value.value)}::boolean`
          : params.add(
              operand.kind === 'field' && operand.name === 'gameSessionId' ? resolveId(value.value) : value.value,
            );
      return comparator === '=' ? `(${left} = ${right})` : `(${left} IS DISTINCT FROM ${right})`;
    }
  }
}

/** `ORDER BY` text for a sort; sessions without a value for the operand come last. */
export function sortToSql(sort: SortSpec, params: SqlParams): string {
  return `${operandSql(sort.operand, params)} ${sort.direction} NULLS LAST`;
}
