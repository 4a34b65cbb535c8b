/** Properties of a database error that are safe in a log: codes and names, never values. */
const DRIVER_FIELDS = ['code', 'severity', 'routine', 'constraint', 'table', 'column', 'schema'] as const;

type Logged = Record<string, unknown>;

/**
 * pino's `err` serializer. pino's standard one copies every enumerable
 * property, and TypeORM's QueryFailedError carries the statement's
 * `parameters` and the driver error's `detail` (`Key (id)=(...)`): secret
 * hashes, sealed secrets, what callers sent. This keeps the type, message,
 * stack, SQLSTATE and the SQL text, and drops the values.
 */
export function errorSerializer(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const logged: Logged = { type: error.name, message: error.message, stack: error.stack };
  const fields = error as unknown as Logged;
  if (typeof fields.code === 'string') logged.code = fields.code;
  if (typeof fields.query === 'string') logged.query = fields.query.replace(/\s+/g, ' ').trim().slice(0, 2_000);
  const driver = fields.driverError as Logged | undefined;
  if (driver && typeof driver === 'object') {
    logged.driverError = Object.fromEntries(
      DRIVER_FIELDS.filter((k) => typeof driver[k] === 'string').map((k) => [k, driver[k]]),
    );
  }
  return logged;
}
