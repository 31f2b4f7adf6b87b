import type { MODULES_API } from '../../../shared/api/modules.js';
import { requirementById } from '../../../shared/requirements/rules.js';
import { SimError } from '../state/errors.js';
import {
  createConfiguration,
  deleteConfiguration,
  findConfiguration,
  generateKey,
  importModule,
  keyFile,
  removeModule,
  setConnector,
  toConfigurationDto,
  toModuleDto,
  updateConfiguration,
} from '../state/modules.js';
import type { RestContext } from './context.js';
import type { HandlersFor } from './endpoints.js';

/** R15: the key cannot be typed in. Refuse it by name, with the guide's words, before any other check. */
function refuseTypedKey(body: unknown): void {
  if (body && typeof body === 'object' && ('key' in body || 'keyFile' in body)) {
    const r15 = requirementById('R15')!;
    throw new SimError(
      400,
      'KEY_NOT_WRITABLE',
      `The key cannot be entered by hand (R15: "${r15.explanation.de}"). Generate one with POST …/key.`,
      {
        path: 'key',
        requirement: 'R15',
        rule: r15.explanation,
      },
    );
  }
}

export function modulesHandlers(ctx: RestContext): HandlersFor<keyof typeof MODULES_API> {
  const dto = (c: Parameters<typeof toConfigurationDto>[1]) => toConfigurationDto(ctx.holder.state, c);

  return {
    getModules: () => ctx.holder.state.modules.map(toModuleDto),

    postModule: ({ body }) => ctx.holder.commit((s, emit) => importModule(s, emit, body.name, body.version)),

    getConfigurations: () => ctx.holder.state.configurations.map(dto),

    postConfiguration: {
      screenBody: refuseTypedKey,
      handle: async ({ body, req, res }) => {
        const config = await ctx.holder.commit((s, emit) => createConfiguration(s, emit, body));
        res.location(`${req.baseUrl}/modules/configurations/${config.id}`);
        return dto(config);
      },
    },

    getConfiguration: ({ params }) => dto(findConfiguration(ctx.holder.state, params.id)),

    putConfiguration: {
      screenBody: refuseTypedKey,
      handle: async ({ params, body }) =>
        dto(await ctx.holder.commit((s, emit) => updateConfiguration(s, emit, params.id, body))),
    },

    deleteConfiguration: async ({ params }) => {
      await ctx.holder.commit((s, emit) => deleteConfiguration(s, emit, params.id));
    },

    postConfigurationKey: ({ params }) => ctx.holder.commit((s, emit) => generateKey(s, emit, params.id)),

    getConfigurationKeyFile: ({ params, res }) => {
      const file = keyFile(ctx.holder.state, params.id);
      ctx.log('info', 'key file downloaded', { configurationId: params.id, fingerprint: file.fingerprint });
      res.set('Cache-Control', 'no-store');
      res.set('Content-Disposition', `attachment; filename="${file.pbxName || 'starface'}.starface-key.json"`);
      return file;
    },

    putConfigurationConnector: async ({ params, body }) =>
      dto(await ctx.holder.commit((s, emit) => setConnector(s, emit, params.id, body.active))),

    getConfigurationLog: ({ params }) => ({ entries: findConfiguration(ctx.holder.state, params.id).log }),

    deleteModule: async ({ params }) => {
      await ctx.holder.commit((s, emit) => removeModule(s, emit, params.id));
    },
  };
}
