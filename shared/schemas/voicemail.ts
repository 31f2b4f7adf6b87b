import { z } from 'zod';
import { lenientObject, unchangedIfEmpty } from './lenient.js';

/* REST 6.7 definitions of voicemail boxes and who is told of a new message. */

export const VoicemailGroupSchema = z
  .object({ accountId: z.number().int().optional(), name: z.string().optional(), sendMail: z.boolean().optional() })
  .meta({ id: 'VoicemailGroup' });
export type VoicemailGroup = z.infer<typeof VoicemailGroupSchema>;

export const VoicemailUserSchema = z
  .object({
    accountId: z.number().int().optional(),
    name: z.string().optional(),
    sendMail: z.boolean().optional(),
    voicemailboxName: z.string().optional(),
  })
  .meta({ id: 'VoicemailUser' });
export type VoicemailUser = z.infer<typeof VoicemailUserSchema>;

/** `password` is the box's PIN; `maximumDuration` is in seconds. */
export const VoicemailboxSchema = z
  .object({
    id: z.number().int().optional(),
    maximumDuration: z.number().int().optional(),
    name: z.string().optional(),
    noRecord: z.boolean().optional(),
    number: z.string().optional(),
    password: z.string().optional(),
    voicemailGroups: z.array(VoicemailGroupSchema).optional(),
    voicemailUsers: z.array(VoicemailUserSchema).optional(),
  })
  .meta({ id: 'Voicemailbox' });
export type Voicemailbox = z.infer<typeof VoicemailboxSchema>;
/**
 * POST/PUT body. `password` (the PIN) is write-only: GET answers it empty, so absent, `null` or `""` mean
 * "unchanged" (on POST: no PIN).
 */
export const VoicemailboxBodySchema = lenientObject(VoicemailboxSchema, { password: unchangedIfEmpty });
export type VoicemailboxBody = z.output<typeof VoicemailboxBodySchema>;

export const VoicemailboxListItemSchema = z
  .object({
    assignedgroups: z.array(z.string()).optional(),
    assignedusers: z.array(z.string()).optional(),
    id: z.number().int().optional(),
    mailboxnumber: z.string().optional(),
    voiceboxname: z.string().optional(),
  })
  .meta({ id: 'VoicemailboxListItem' });
export type VoicemailboxListItem = z.infer<typeof VoicemailboxListItemSchema>;

export const VoicemailboxSearchQuerySchema = z.object({ searchTerm: z.string().optional() });
