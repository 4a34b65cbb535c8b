import {
  CreateGameSessionCommand,
  type CreateGameSessionCommandInput,
  type GameLiftClient,
} from '@aws-sdk/client-gamelift';
import { FLEET_ID, signedCall } from '../clients/gamelift.js';

/** Creates a game session and, unless told not to, activates it as the game server would. */
export async function newGameSession(
  client: GameLiftClient,
  baseUrl: string,
  input: Partial<CreateGameSessionCommandInput> = {},
  activate = true,
): Promise<string> {
  const created = await client.send(
    new CreateGameSessionCommand({ FleetId: FLEET_ID, MaximumPlayerSessionCount: 4, ...input }),
  );
  const id = created.GameSession!.GameSessionId!;
  if (activate) {
    const activated = await signedCall(baseUrl, 'ActivateGameSession', { GameSessionId: id });
    if (activated.status !== 200) throw new Error(`activation failed: ${JSON.stringify(activated.body)}`);
  }
  return id;
}

/** The error name an SDK call rejected with ('ok' when it resolved). */
export async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return (error as Error).name;
  }
}

/** The session UUID at the end of a game session ARN. */
export function uuidOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
