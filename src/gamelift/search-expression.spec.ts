import { SqlParams } from '../session/session-reader.js';
import { parseFilterExpression, parseSortExpression, SearchExpressionError } from './search-expression.js';
import { filterToSql, sortToSql } from './search-sql.js';

const compare = (operand: object, comparator: string, value: object) => ({
  type: 'compare',
  operand,
  comparator,
  value,
});
const field = (name: string) => ({ kind: 'field', name });

describe('SearchGameSessions filter expressions', () => {
  it('parses a comparison per operand type', () => {
    expect(parseFilterExpression('maximumSessions>=10')).toEqual(
      compare(field('maximumSessions'), '>=', { type: 'number', value: 10 }),
    );
    expect(parseFilterExpression("gameSessionName = 'Matt\\'s Awesome Game 1'")).toEqual(
      compare(field('gameSessionName'), '=', { type: 'string', value: "Matt's Awesome Game 1" }),
    );
    expect(parseFilterExpression('hasAvailablePlayerSessions=TRUE')).toEqual(
      compare(field('hasAvailablePlayerSessions'), '=', { type: 'boolean', value: true }),
    );
    expect(parseFilterExpression("gameSessionProperties.gameMode <> 'brawl'")).toEqual(
      compare({ kind: 'property', key: 'gameMode' }, '<>', { type: 'string', value: 'brawl' }),
    );
    expect(parseFilterExpression('gameSessionProperties.level < -2.5')).toEqual(
      compare({ kind: 'property', key: 'level' }, '<', { type: 'number', value: -2.5 }),
    );
  });

  it('binds OR looser than AND, AND looser than NOT, and honours parentheses', () => {
    const a = compare(field('playerSessionCount'), '=', { type: 'number', value: 1 });
    const b = compare(field('maximumSessions'), '=', { type: 'number', value: 2 });
    const c = compare(field('creationTimeMillis'), '>', { type: 'number', value: 3 });
    expect(parseFilterExpression('playerSessionCount=1 OR maximumSessions=2 AND NOT creationTimeMillis>3')).toEqual({
      type: 'or',
      left: a,
      right: { type: 'and', left: b, right: { type: 'not', operand: c } },
    });
    expect(parseFilterExpression('(playerSessionCount=1 or maximumSessions=2) and creationTimeMillis>3')).toEqual({
      type: 'and',
      left: { type: 'or', left: a, right: b },
      right: c,
    });
    expect(parseFilterExpression('NOT (playerSessionCount=1 OR maximumSessions=2)')).toEqual({
      type: 'not',
      operand: { type: 'or', left: a, right: b },
    });
  });

  it.each([
    ['', 'empty'],
    ['maximumSessions', 'Expected a comparator'],
    ['maximumSessions >', 'Expected a value'],
    ["maximumSessions = 'ten'", 'compares with a number value'],
    ['gameSessionName = 3', 'compares with a string value'],
    ["gameSessionName < 'a'", 'only = and <>'],
    ['hasAvailablePlayerSessions > true', 'only = and <>'],
    ['hasAvailablePlayerSessions = 1', 'compares with a boolean value'],
    ['playerCount = 1', 'Unknown operand'],
    ["gameSessionProperties.a.b = 'x'", 'cannot be searched'],
    ['(maximumSessions = 1', "Expected ')'"],
    ['maximumSessions = 1 maximumSessions = 2', 'Unexpected'],
    ["gameSessionName = 'open", 'Unterminated string'],
    ['maximumSessions = 1; DROP TABLE seat', "Unexpected ';'"],
    ['NOT '.repeat(40) + 'maximumSessions = 1', 'deeper than'],
  ])('refuses %j (%s)', (input, message) => {
    expect(() => parseFilterExpression(input)).toThrow(SearchExpressionError);
    expect(() => parseFilterExpression(input)).toThrow(message);
  });

  it('parses sort expressions', () => {
    expect(parseSortExpression('creationTimeMillis ASC')).toEqual({
      operand: field('creationTimeMillis'),
      direction: 'ASC',
    });
    expect(parseSortExpression('gameSessionProperties.rank desc')).toEqual({
      operand: { kind: 'property', key: 'rank' },
      direction: 'DESC',
    });
    expect(() => parseSortExpression('creationTimeMillis')).toThrow('Expected ASC or DESC');
    expect(() => parseSortExpression('creationTimeMillis ASC, maximumSessions DESC')).toThrow('Unexpected');
  });
});

describe('SearchGameSessions SQL', () => {
  it('puts every value in a parameter, never in the SQL text', () => {
    const params = new SqlParams();
    const filter = parseFilterExpression(
      "gameSessionName = 'x\\'; DROP TABLE seat; --' AND gameSessionProperties.mode <> 'a' OR maximumSessions > 7",
    );
    const sql = filterToSql(filter, params, (v) => v);
    expect(sql).not.toContain('DROP');
    expect(sql).not.toContain("'a'");
    expect(sql).not.toContain('mode');
    expect(params.values).toEqual(["x'; DROP TABLE seat; --", 'mode', 'a', 7]);
    expect(sql).toContain('IS DISTINCT FROM $3');
    expect(sql).toContain('> $4::numeric');
  });

  it('resolves game session ARNs to ids and sorts with nulls last', () => {
    const params = new SqlParams();
    const sql = filterToSql(parseFilterExpression("gameSessionId = 'arn-x'"), params, (v) => `resolved:${v}`);
    expect(sql).toBe('(g.id::text = $1)');
    expect(params.values).toEqual(['resolved:arn-x']);
    expect(sortToSql(parseSortExpression('maximumSessions DESC'), new SqlParams())).toBe(
      'g.max_players DESC NULLS LAST',
    );
  });
});
