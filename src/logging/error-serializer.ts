/** Properties of a database error that are safe in a log: codes and names, never values. */
const DRIVER_FIELDS = ['code', 'severity', 'routine', 'constraint', 'table', 'column', 'schema'] as const;

type Logged = Record<string, unknown>;

/**
 * pino's `err` serializer. pino's standard one copies every enumerable
 * property, and TypeORM's QueryFailedError carries the statement's
 * `parameters` and the driver error's `detail` (`Key (id)=(...)`): secret
 * hashes, sealed secrets, what callers sent. This keeps the type, message,
 * stack, SQLSTATE and the SQL text, and drops the values (and any other
 * property: an error is logged by what it is, not by what it carries).
 */
export function errorSerializer(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  // pino-http hands over pino's own serialization of the error (`type`, `message`, `stack` and every property).
  const fields = error as Logged;
  const logged: Logged = {
    type: fields.type ?? (error instanceof Error ? error.name : undefined),
    message: fields.message,
    stack: fields.stack,
  };
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
