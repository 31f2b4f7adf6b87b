import type { UciRedirectSettingInput } from '../../../../../shared/schemas/uciValues.js';
import type { StoredUser } from '../../../state/model.js';
import { changeRedirectSettings, redirectSettingsOf } from '../redirectSettings.js';
import type { HandlerContext, HandlerTable } from './types.js';

function change(
  ctx: HandlerContext,
  user: StoredUser,
  inputs: readonly UciRedirectSettingInput[],
  where: (i: number) => string,
): Promise<true> {
  return ctx.holder.commit((draft, emit) => {
    changeRedirectSettings(draft, emit, user, inputs, where);
    return true as const;
  });
}

/** redirect: the signed-in user's redirections and those of their groups (uci/core/redirectSettings.ts). */
export const REDIRECT_HANDLERS: HandlerTable<'getRedirectSettings' | 'setRedirectSetting' | 'setRedirectSettings'> = {
  getRedirectSettings: (ctx, _conn, user) => redirectSettingsOf(ctx.holder.state, user.id),
  setRedirectSetting: (ctx, _conn, user, p) => change(ctx, user, [p.setting], () => ''),
  setRedirectSettings: (ctx, _conn, user, p) => change(ctx, user, p.settings, (i) => `settings.${i}: `),
};
