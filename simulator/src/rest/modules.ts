import { Router } from 'express';
import { requirementById } from '../../../shared/requirements/rules.js';
import { IdParam } from '../../../shared/schemas/common.js';
import {
  ConfigurationCreateSchema,
  ConfigurationUpdateSchema,
  ConnectorUpdateSchema,
  ModuleImportSchema,
} from '../../../shared/schemas/modules.js';
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
import { requireAdmin, type RestContext } from './context.js';
import { parse } from './errors.js';

/** R15: the key cannot be typed in. Refuse it by name, with the guide's words, before any other check. */
function refuseTypedKey(body: unknown): void {
  if (body && typeof body === 'object' && ('key' in body || 'keyFile' in body)) {
    const r15 = requirementById('R15')!;
    throw new SimError(400, 'KEY_NOT_WRITABLE', `The key cannot be entered by hand (R15: "${r15.explanation.de}"). Generate one with POST …/key.`, {
      path: 'key',
      requirement: 'R15',
      rule: r15.explanation,
    });
  }
}

export function modulesRouter(ctx: RestContext): Router {
  const r = Router();
  const dto = (c: Parameters<typeof toConfigurationDto>[1]) => toConfigurationDto(ctx.holder.state, c);

  r.get('/modules', (_req, res) => {
    requireAdmin(ctx, res);
    res.json(ctx.holder.state.modules.map(toModuleDto));
  });

  r.post('/modules', async (req, res) => {
    requireAdmin(ctx, res);
    const body = parse(ModuleImportSchema, req.body);
    const module = await ctx.holder.commit((s, emit) => importModule(s, emit, body.name, body.version));
    res.status(201).json(module);
  });

  r.get('/modules/configurations', (_req, res) => {
    requireAdmin(ctx, res);
    res.json(ctx.holder.state.configurations.map(dto));
  });

  r.post('/modules/configurations', async (req, res) => {
    requireAdmin(ctx, res);
    refuseTypedKey(req.body);
    const body = parse(ConfigurationCreateSchema, req.body);
    const config = await ctx.holder.commit((s, emit) => createConfiguration(s, emit, body));
    res.status(201).location(`${req.baseUrl}/modules/configurations/${config.id}`).json(dto(config));
  });

  r.get('/modules/configurations/:id', (req, res) => {
    requireAdmin(ctx, res);
    const id = parse(IdParam, req.params.id, 'path.id');
    res.json(dto(findConfiguration(ctx.holder.state, id)));
  });

  r.put('/modules/configurations/:id', async (req, res) => {
    requireAdmin(ctx, res);
    const id = parse(IdParam, req.params.id, 'path.id');
    refuseTypedKey(req.body);
    const body = parse(ConfigurationUpdateSchema, req.body);
    const config = await ctx.holder.commit((s, emit) => updateConfiguration(s, emit, id, body));
    res.json(dto(config));
  });

  r.delete('/modules/configurations/:id', async (req, res) => {
    requireAdmin(ctx, res);
    const id = parse(IdParam, req.params.id, 'path.id');
    await ctx.holder.commit((s, emit) => deleteConfiguration(s, emit, id));
    res.status(204).end();
  });

  r.post('/modules/configurations/:id/key', async (req, res) => {
    requireAdmin(ctx, res);
    const id = parse(IdParam, req.params.id, 'path.id');
    const generated = await ctx.holder.commit((s, emit) => generateKey(s, emit, id));
    res.status(201).json(generated);
  });

  r.get('/modules/configurations/:id/keyfile', (req, res) => {
    requireAdmin(ctx, res);
    const id = parse(IdParam, req.params.id, 'path.id');
    const file = keyFile(ctx.holder.state, id);
    ctx.log('info', 'key file downloaded', { configurationId: id, fingerprint: file.fingerprint });
    res.set('Cache-Control', 'no-store');
    res.set('Content-Disposition', `attachment; filename="${file.pbxName || 'starface'}.starface-key.json"`);
    res.json(file);
  });

  r.put('/modules/configurations/:id/connector', async (req, res) => {
    requireAdmin(ctx, res);
    const id = parse(IdParam, req.params.id, 'path.id');
    const { active } = parse(ConnectorUpdateSchema, req.body);
    const config = await ctx.holder.commit((s, emit) => setConnector(s, emit, id, active));
    res.json(dto(config));
  });

  r.get('/modules/configurations/:id/log', (req, res) => {
    requireAdmin(ctx, res);
    const id = parse(IdParam, req.params.id, 'path.id');
    res.json({ entries: findConfiguration(ctx.holder.state, id).log });
  });

  r.delete('/modules/:id', async (req, res) => {
    requireAdmin(ctx, res);
    const id = parse(IdParam, req.params.id, 'path.id');
    await ctx.holder.commit((s, emit) => removeModule(s, emit, id));
    res.status(204).end();
  });
  return r;
}
