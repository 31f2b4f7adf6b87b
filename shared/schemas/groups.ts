import { z } from 'zod';
import { lenientObject } from './lenient.js';
import { AssignableNumberSchema } from './phoneNumbers.js';

/* REST 6.7 definitions of groups (hunt groups): members and numbers are chosen from "assignable" lists. */

export const AssignableUserSchema = z
  .object({
    assigned: z.boolean().optional(),
    firstname: z.string().optional(),
    id: z.number().int().optional(),
    lastname: z.string().optional(),
  })
  .meta({ id: 'AssignableUser' });
export type AssignableUser = z.infer<typeof AssignableUserSchema>;

/** `id` is the group's account id (shared with users); `groupId` is its textual id. */
export const GroupSchema = z
  .object({
    assignableNumbers: z.array(AssignableNumberSchema).optional(),
    assignableUsers: z.array(AssignableUserSchema).optional(),
    chatGroup: z.boolean().optional(),
    groupId: z.string().optional(),
    id: z.number().int().optional(),
    name: z.string().optional(),
    voicemail: z.boolean().optional(),
  })
  .meta({ id: 'Group' });
export type Group = z.infer<typeof GroupSchema>;
export const GroupBodySchema = lenientObject(GroupSchema);

export const GroupListItemSchema = z
  .object({
    groupexternalnumber: z.string().optional(),
    groupinternalnumber: z.string().optional(),
    groupname: z.string().optional(),
    id: z.number().int().optional(),
  })
  .meta({ id: 'GroupListItem' });
export type GroupListItem = z.infer<typeof GroupListItemSchema>;

/** GET /groups?searchTerm=: a part of the name, the textual id or a number, in any case. */
export const GroupSearchQuerySchema = z.object({ searchTerm: z.string().max(200).optional() });
