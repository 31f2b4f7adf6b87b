import { z } from 'zod';
import { lenientObject } from './lenient.js';

/*
 * REST 6.7 definitions of the address book. A contact is a list of blocks of attributes as the contacts scheme
 * lays them out; a contact list is a page of summaries (the scheme's summary and phone-number blocks).
 */

export const AttributeDisplayKeySchema = z.enum([
  'NAME',
  'SURNAME',
  'SALUTATION',
  'TITLE',
  'EMAIL',
  'COUNTRY',
  'CITY',
  'STATE',
  'POSTAL_CODE',
  'STREET',
  'URL',
  'COMPANY',
  'MESSENGER',
  'BIRTHDAY',
  'NOTE',
  'JOB_TITLE',
  'PHONE_NUMBER',
  'PRIVATE_PHONE_NUMBER',
  'OFFICE_PHONE_NUMBER',
  'MOBILE_PHONE_NUMBER',
  'FAX_NUMBER',
  'DESCRIPTION',
  'USER_DEFINED',
]);
export type AttributeDisplayKey = z.infer<typeof AttributeDisplayKeySchema>;

/** A free-form JSON object (the fact sheet says only `object`). */
const JsonObject = z.record(z.string(), z.unknown());

export const AttributeSchema = z
  .object({
    additionalValues: JsonObject.optional(),
    displayKey: AttributeDisplayKeySchema,
    i18nDisplayName: z.string().optional(),
    name: z.string(),
    value: z.string().optional(),
  })
  .meta({ id: 'Attribute' });
export type Attribute = z.infer<typeof AttributeSchema>;

export const BlockSchema = z
  .object({ attributes: z.array(AttributeSchema), name: z.string().optional(), resourceKey: z.string().optional() })
  .meta({ id: 'Block' });
export type Block = z.infer<typeof BlockSchema>;

/** A contact tag; `owner` names the user a private tag belongs to. */
export const TagSchema = z
  .object({ alias: z.string().optional(), id: z.string().optional(), name: z.string(), owner: z.string().optional() })
  .meta({ id: 'Tag' });
export type Tag = z.infer<typeof TagSchema>;
export const TagBodySchema = lenientObject(TagSchema);

export const ContactSchema = z
  .object({
    accountId: z.number().int().optional(),
    blocks: z.array(BlockSchema),
    editable: z.boolean(),
    id: z.string().optional(),
    jabberId: z.string().optional(),
    primaryExternalNumber: z.string().optional(),
    primaryInternalNumber: z.string().optional(),
    tags: z.array(TagSchema),
  })
  .meta({ id: 'Contact' });
export type Contact = z.infer<typeof ContactSchema>;
export const ContactBodySchema = lenientObject(ContactSchema);

export const ContactSummarySchema = z
  .object({
    additionalValues: JsonObject,
    id: z.string(),
    phoneNumberValues: z.array(z.string()),
    summaryValues: z.array(z.string()),
  })
  .meta({ id: 'ContactSummary' });
export type ContactSummary = z.infer<typeof ContactSummarySchema>;

export const SortDirectionSchema = z.enum(['ASC', 'DESC']);

/** Paging of a list answer. */
export const RequestMetadataSchema = z
  .object({
    page: z.number().int(),
    pagesize: z.number().int(),
    sort: z.string().optional(),
    sortdirection: SortDirectionSchema,
    totalPages: z.number().int(),
  })
  .meta({ id: 'RequestMetadata' });
export type RequestMetadata = z.infer<typeof RequestMetadataSchema>;

export const ContactListSchema = z
  .object({
    contacts: z.array(ContactSummarySchema),
    metadata: RequestMetadataSchema.optional(),
    phoneNumbersBlockSchema: BlockSchema.optional(),
    summaryBlockSchema: BlockSchema.optional(),
  })
  .meta({ id: 'ContactList' });
export type ContactList = z.infer<typeof ContactListSchema>;

export const ContactsSchemeSchema = z
  .object({
    detailBlocks: z.array(BlockSchema),
    phoneNumbersBlock: BlockSchema.optional(),
    summaryBlock: BlockSchema.optional(),
  })
  .meta({ id: 'ContactsScheme' });
export type ContactsScheme = z.infer<typeof ContactsSchemeSchema>;

export type SortDirection = z.infer<typeof SortDirectionSchema>;
