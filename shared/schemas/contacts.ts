import { z } from 'zod';
import { lenientObject, queryInteger, queryPageNumber } from './lenient.js';

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

/** `ASC`/`DESC` in a query string, in any case (as the PBX's JAX-RS enum parsing lets clients send it). */
export const querySortDirection = z
  .string()
  .regex(/^(asc|desc)$/i, 'must be ASC or DESC (any case)')
  .transform((v) => v.toUpperCase() as SortDirection);

/** A user id in a query string: the API types it `string` on the contacts operations, the value is the id. */
export const queryUserId = queryInteger.pipe(z.number().int().positive('must be a user id'));

/** Paging and sorting of a list (page counts from 0; without pagesize the one page holds everything). */
export const PagingQueryShape = {
  page: queryPageNumber.optional(),
  pagesize: queryInteger.pipe(z.number().int().min(1, 'must be 1 or more').max(10_000)).optional(),
  sort: z.string().max(100).optional(),
  sortdirection: querySortDirection.optional(),
};

/** A query value that may be repeated (`tags=1&tags=2`) or comma-separated (`tags=1,2`). */
const queryList = z.union([z.string(), z.array(z.string())]).transform((v) =>
  (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean),
);

export const ContactListQuerySchema = z.object({
  userId: queryUserId.optional(),
  tags: queryList.optional(),
  searchTerms: z.string().max(200).optional(),
  ...PagingQueryShape,
});
export const TagListQuerySchema = z.object({ userId: queryUserId.optional(), ...PagingQueryShape });
export const UserIdQuerySchema = z.object({ userId: queryUserId.optional() });
export const SchemeQuerySchema = z.object({ lang: z.string().max(20).optional() });
