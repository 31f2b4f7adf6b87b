import type { ConferenceSettings, ContactsSchemeModel } from './telephonyModel.js';

/** The address book layout of a fresh PBX: name and company, numbers, address, and a note. */
export const DEFAULT_CONTACTS_SCHEME: ContactsSchemeModel = {
  blocks: [
    {
      name: 'contact',
      resourceKey: 'contact.block.contact',
      attributes: [
        { name: 'salutation', displayKey: 'SALUTATION', label: { en: 'Salutation', de: 'Anrede' } },
        { name: 'title', displayKey: 'TITLE', label: { en: 'Title', de: 'Titel' } },
        { name: 'firstname', displayKey: 'NAME', label: { en: 'First name', de: 'Vorname' } },
        { name: 'lastname', displayKey: 'SURNAME', label: { en: 'Last name', de: 'Nachname' } },
        { name: 'company', displayKey: 'COMPANY', label: { en: 'Company', de: 'Firma' } },
        { name: 'jobtitle', displayKey: 'JOB_TITLE', label: { en: 'Job title', de: 'Position' } },
        { name: 'email', displayKey: 'EMAIL', label: { en: 'E-mail', de: 'E-Mail' } },
        { name: 'url', displayKey: 'URL', label: { en: 'Website', de: 'Webseite' } },
      ],
    },
    {
      name: 'telephone',
      resourceKey: 'contact.block.telephone',
      attributes: [
        { name: 'phone', displayKey: 'PHONE_NUMBER', label: { en: 'Phone', de: 'Telefon' } },
        { name: 'officephone', displayKey: 'OFFICE_PHONE_NUMBER', label: { en: 'Office', de: 'Büro' } },
        { name: 'mobilephone', displayKey: 'MOBILE_PHONE_NUMBER', label: { en: 'Mobile', de: 'Mobil' } },
        { name: 'privatephone', displayKey: 'PRIVATE_PHONE_NUMBER', label: { en: 'Private', de: 'Privat' } },
        { name: 'fax', displayKey: 'FAX_NUMBER', label: { en: 'Fax', de: 'Fax' } },
      ],
    },
    {
      name: 'address',
      resourceKey: 'contact.block.address',
      attributes: [
        { name: 'street', displayKey: 'STREET', label: { en: 'Street', de: 'Straße' } },
        { name: 'postalcode', displayKey: 'POSTAL_CODE', label: { en: 'Postal code', de: 'PLZ' } },
        { name: 'city', displayKey: 'CITY', label: { en: 'City', de: 'Ort' } },
        { name: 'state', displayKey: 'STATE', label: { en: 'State', de: 'Bundesland' } },
        { name: 'country', displayKey: 'COUNTRY', label: { en: 'Country', de: 'Land' } },
      ],
    },
    {
      name: 'misc',
      resourceKey: 'contact.block.misc',
      attributes: [
        { name: 'birthday', displayKey: 'BIRTHDAY', label: { en: 'Birthday', de: 'Geburtstag' } },
        { name: 'note', displayKey: 'NOTE', label: { en: 'Note', de: 'Notiz' } },
      ],
    },
  ],
  summary: ['firstname', 'lastname', 'company'],
  phoneNumbers: ['phone', 'officephone', 'mobilephone', 'privatephone', 'fax'],
};

/** The invitation mail of a fresh PBX (German, as the PBX ships). */
export const DEFAULT_CONFERENCE_CONFIGURATION: ConferenceSettings = {
  eMailSubject: 'Einladung zur Telefonkonferenz "$CONFERENCE_NAME"',
  eMailBody:
    'Sie sind zur Telefonkonferenz "$CONFERENCE_NAME" am $CONFERENCE_DATE um $CONFERENCE_TIME eingeladen.\nEinwahl: $CONFERENCE_NUMBER',
  language: 'de',
  serverAddress: null,
  internalNumberId: null,
  externalNumberId: null,
};

/** The placeholders an invitation mail may use (ConferenceConfigurationMailBodyVariable); fixed, not stored. */
export const CONFERENCE_MAIL_VARIABLES = [
  { name: 'conferenceName', placeholder: '$CONFERENCE_NAME' },
  { name: 'conferenceDate', placeholder: '$CONFERENCE_DATE' },
  { name: 'conferenceTime', placeholder: '$CONFERENCE_TIME' },
  { name: 'conferenceNumber', placeholder: '$CONFERENCE_NUMBER' },
] as const;

/** The call service every PBX has: a number assigned to a user or group without naming one is for it. */
export const TELEPHONY_SERVICE = { name: 'telephony', label: 'Telefonie', type: 'DEFAULT' } as const;
