import { SIM_SERVICES } from '../../../shared/schemas/events.js';
import { KeyFileSchema } from '../../../shared/schemas/keyfile.js';
import { SimError } from '../state/errors.js';
import { evaluateTeamsLogin } from '../state/teamsLogin.js';
import { clientAddress, type RestContext } from './context.js';
import { SENT, type HandlersFor } from './endpoints.js';
import { issuesToDetails } from './errors.js';
import { tooMany } from './login.js';

/** What the STARFACE App for Teams does at sign-in; it authenticates with the user's credentials itself. */
export function teamsLoginHandlers(ctx: RestContext): HandlersFor<'teamsLogin'> {
  return {
    teamsLogin: ({ body, req, res }) => {
      const address = clientAddress(req);
      const wait = ctx.limiter.retryAfter(body.login, address);
      if (wait > 0) {
        res.set('Retry-After', String(wait));
        throw tooMany(wait);
      }
      let key = body.key;
      let keyFilePbxName: string | undefined;
      if (body.keyFile !== undefined) {
        let json: unknown;
        try {
          json = JSON.parse(body.keyFile);
        } catch {
          throw new SimError(
            400,
            'INVALID_KEY_FILE',
            'keyFile is not valid JSON: drop the file downloaded from …/keyfile',
          );
        }
        const file = KeyFileSchema.safeParse(json);
        if (!file.success)
          throw new SimError(
            400,
            'INVALID_KEY_FILE',
            'keyFile is not a STARFACE key file',
            issuesToDetails(file.error),
          );
        key = file.data.key;
        keyFilePbxName = file.data.pbxName;
      }
      const outcome = evaluateTeamsLogin(ctx.holder.state, {
        pbxName: body.pbxName,
        keyFilePbxName,
        key: key!,
        login: body.login,
        password: body.password,
      });
      if (!outcome.credentialsValid) ctx.limiter.fail(body.login, address);
      else ctx.limiter.succeed(body.login, address);
      const unmetIds = outcome.unmet.map((u) => u.id);
      ctx.bus.publish({
        service: SIM_SERVICES.teams,
        event: unmetIds.length ? 'sign-in-refused' : 'sign-in',
        data: { login: body.login, unmet: unmetIds, configurationId: outcome.configurationId },
      });
      if (unmetIds.length) {
        res.status(403).json({
          ok: false,
          code: outcome.credentialsValid ? 'REQUIREMENTS_UNMET' : 'SIGN_IN_FAILED',
          message: `Teams sign-in refused: ${unmetIds.length} requirement(s) unmet (${unmetIds.join(', ')})`,
          unmet: outcome.unmet,
        });
        return SENT;
      }
      const config = ctx.holder.state.configurations.find((c) => c.id === outcome.configurationId)!;
      const user = outcome.user!;
      return {
        ok: true,
        user: { id: user.id, login: user.login, firstName: user.firstName, familyName: user.familyName },
        pbxName: config.connector.applied?.pbxName ?? config.pbxName,
        configurationId: config.id,
        mode: config.connector.applied?.mode ?? config.mode,
      };
    },
  };
}
